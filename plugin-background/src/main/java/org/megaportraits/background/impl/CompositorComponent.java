package org.megaportraits.background.impl;

import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.megaportraits.background.matte.Matting;
import org.megaportraits.background.matte.TorchScriptMatting;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.background.Compositor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Compositor service. Matting is the classic GrabCut matte unless a TorchScript matting
 * network is configured: component property {@value #MATTING_MODEL} (configuration PID
 * {@code org.megaportraits.background}) or the system property {@value #MATTING_PROPERTY}; a
 * configured file that is missing fails {@link #open} with a ModelUnavailableException. Each
 * session owns its resources, so deactivation leaves open sessions working.
 */
@Component(service = Compositor.class, configurationPid = "org.megaportraits.background")
public final class CompositorComponent implements Compositor {

    /** Component property naming a TorchScript matting network. */
    public static final String MATTING_MODEL = "matting.model";

    /** System property naming a TorchScript matting network (when no component property is set). */
    public static final String MATTING_PROPERTY = "portraits.matting.model";

    private static final Logger LOG = LoggerFactory.getLogger(CompositorComponent.class);

    private final AtomicInteger openSessions = new AtomicInteger();
    private final FaceAnalyzerComponent faces = new FaceAnalyzerComponent();
    private volatile String mattingModel;

    /** A compositor configured from system properties only (outside OSGi). */
    public CompositorComponent() {
        this.mattingModel = System.getProperty(MATTING_PROPERTY);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        Object configured = properties.get(MATTING_MODEL);
        if (configured != null && !configured.toString().isBlank()) {
            mattingModel = configured.toString();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if a configured matting network is missing
     */
    @Override
    public Session open(ExecutionOptions options) {
        String model = mattingModel;
        Matting matting = model == null || model.isBlank() ? null : TorchScriptMatting.load(Paths.get(model), options);
        if (matting == null) {
            LOG.info("compositor session on {}: classic GrabCut matte and push-pull plate (no matting network configured)",
                    options.device());
        } else {
            LOG.info("compositor session on {}: matting network {}", options.device(), model);
        }
        openSessions.incrementAndGet();
        return new CompositorSession(options, matting, () -> faces.open(options), openSessions::decrementAndGet);
    }

    @Deactivate
    void deactivate() {
        // sessions own their resources: open ones keep running until their jobs close them
        LOG.info("compositor deactivated with {} session(s) still open", openSessions.get());
    }
}
