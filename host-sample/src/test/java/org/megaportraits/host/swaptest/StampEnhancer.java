package org.megaportraits.host.swaptest;

import java.util.List;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.enhance.Enhancer;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Follows the bundle contract of sdk-api's README: sessions outlive deactivation; after it, no new
 * session opens.
 */
@Component(service = Enhancer.class)
public final class StampEnhancer implements Enhancer {

    private Version version;
    private volatile boolean active;

    @Activate
    void activate() {
        version = FrameworkUtil.getBundle(StampEnhancer.class).getVersion();
        active = true;
    }

    @Deactivate
    void deactivate() {
        // open sessions keep running: they hold no resource this component would free
        active = false;
    }

    @Override
    public ModelDescriptor descriptor() {
        return new ModelDescriptor("stamp", version.toString(), "stamp", null, List.of(), 0, false);
    }

    @Override
    public Session open(ExecutionOptions options) {
        if (!active) {
            throw new ModelUnavailableException("stamp enhancer " + version + " is being replaced", "open a new lease");
        }
        return new StampSession(version.getMajor());
    }
}
