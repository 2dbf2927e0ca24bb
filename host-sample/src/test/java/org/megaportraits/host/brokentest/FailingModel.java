package org.megaportraits.host.brokentest;

import java.util.Map;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.ModelUnavailableException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Test fixture: a base-model service that cannot start, as with a damaged model folder. */
@Component(service = org.megaportraits.sdk.reenact.ReenactmentModel.class)
public final class FailingModel implements org.megaportraits.sdk.reenact.ReenactmentModel {

    /** Fails as the real model fails on a folder without its descriptor. */
    @Activate
    public void activate(Map<String, Object> properties) {
        throw new ModelUnavailableException("model descriptor /nowhere/descriptor.json does not exist",
                "check the path, or train or export a model first");
    }

    @Override
    public ModelDescriptor descriptor() {
        throw new IllegalStateException("never active");
    }

    @Override
    public Session open(ExecutionOptions options) {
        throw new IllegalStateException("never active");
    }
}
