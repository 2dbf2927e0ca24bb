package org.megaportraits.background.impl;

import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.megaportraits.background.matte.Matting;
import org.megaportraits.background.matte.TorchScriptMatting;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
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
 * configured file that is missing fails {@link #open} with a ModelUnavailableException. The
 * classic matte's solver is chosen by {@value #CLASSIC_SOLVER} (or {@value #CLASSIC_PROPERTY}):
 * {@code auto} (the default: mean-field on a GPU, OpenCV's graph cut on the CPU), {@code opencv}
 * or {@code mean-field}. Each session owns its resources, so deactivation leaves open sessions
 * working.
 */
@Component(service = Compositor.class, configurationPid = "org.megaportraits.background")
public final class CompositorComponent implements Compositor {

    /** Component property naming a TorchScript matting network. */
    public static final String MATTING_MODEL = "matting.model";

    /** System property naming a TorchScript matting network (when no component property is set). */
    public static final String MATTING_PROPERTY = "portraits.matting.model";

    /** Component property choosing the classic matte's solver: auto, opencv or mean-field. */
    public static final String CLASSIC_SOLVER = "matting.classic";

    /** System property choosing the classic matte's solver (when no component property is set). */
    public static final String CLASSIC_PROPERTY = "portraits.matting.classic";

    private static final Logger LOG = LoggerFactory.getLogger(CompositorComponent.class);

    private final AtomicInteger openSessions = new AtomicInteger();
    private final FaceAnalyzerComponent faces = new FaceAnalyzerComponent();
    private volatile String mattingModel;
    private volatile String classicSolver;

    /** A compositor configured from system properties only (outside OSGi). */
    public CompositorComponent() {
        this.mattingModel = System.getProperty(MATTING_PROPERTY);
        this.classicSolver = System.getProperty(CLASSIC_PROPERTY, "auto");
    }

    @Activate
    void activate(Map<String, Object> properties) {
        Object configured = properties.get(MATTING_MODEL);
        if (configured != null && !configured.toString().isBlank()) {
            mattingModel = configured.toString();
        }
        Object solver = properties.get(CLASSIC_SOLVER);
        if (solver != null && !solver.toString().isBlank()) {
            classicSolver = solver.toString();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if a configured matting network is missing
     * @throws org.megaportraits.sdk.InvalidInputException     if the classic solver named is not one of auto, opencv, mean-field
     */
    @Override
    public Session open(ExecutionOptions options) {
        boolean meanField = meanField(classicSolver, options);
        String model = mattingModel;
        Matting matting = model == null || model.isBlank() ? null : TorchScriptMatting.load(Paths.get(model), options);
        if (matting == null) {
            LOG.info("compositor session on {}: classic GrabCut matte ({}) and push-pull plate (no matting network configured)",
                    options.device(), meanField ? "mean-field solver on the device" : "OpenCV graph cut on the CPU");
        } else {
            LOG.info("compositor session on {}: matting network {}", options.device(), model);
        }
        openSessions.incrementAndGet();
        return new CompositorSession(options, matting, meanField, () -> faces.open(options), openSessions::decrementAndGet);
    }

    /** Whether the classic matte uses the mean-field solver: as named, or for {@code auto} on a GPU. */
    static boolean meanField(String solver, ExecutionOptions options) {
        return switch (solver == null ? "auto" : solver.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> options.isGpu();
            case "opencv" -> false;
            case "mean-field" -> true;
            default -> throw new InvalidInputException("unknown classic matting solver '" + solver + "'",
                    "set " + CLASSIC_SOLVER + " (or -D" + CLASSIC_PROPERTY + ") to auto, opencv or mean-field");
        };
    }

    @Deactivate
    void deactivate() {
        // sessions own their resources: open ones keep running until their jobs close them
        LOG.info("compositor deactivated with {} session(s) still open", openSessions.get());
    }
}
