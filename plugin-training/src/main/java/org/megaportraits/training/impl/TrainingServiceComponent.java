package org.megaportraits.training.impl;

import java.util.concurrent.atomic.AtomicBoolean;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.sdk.training.Stage;
import org.megaportraits.sdk.training.TrainingService;
import org.megaportraits.sdk.training.TrainingSpec;
import org.megaportraits.training.metric.Stage1Evaluator;
import org.megaportraits.training.stage1.FaceServices;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The TrainingService. Stage 1 (the base model) is implemented; the enhancer and student stages
 * are refused with a clear error. The face analyzer and compositor are optional: without them the
 * data is taken as pre-cropped faces with the whole crop as foreground (logged as a warning).
 * Usable outside OSGi too: construct it with the services (or nulls).
 */
@Component(service = TrainingService.class)
public final class TrainingServiceComponent implements TrainingService {

    /** One run at a time in the JVM: DJL's gradient recording is global. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FaceAnalyzer faceAnalyzer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Compositor compositor;

    /** For Declarative Services. */
    public TrainingServiceComponent() {
    }

    /** Outside OSGi: with the face services to use (either may be null). */
    public TrainingServiceComponent(FaceAnalyzer faceAnalyzer, Compositor compositor) {
        this.faceAnalyzer = faceAnalyzer;
        this.compositor = compositor;
    }

    @Override
    public Run start(TrainingSpec spec) {
        checkStage(spec.stage());
        if (spec.data() == null || spec.runDir() == null || spec.options() == null) {
            throw new InvalidInputException("a training run needs a data folder, a run folder and execution options",
                    "pass --data DIR --out RUN_DIR");
        }
        if (!BUSY.compareAndSet(false, true)) {
            throw new InvalidInputException("a training run is already going in this JVM",
                    "wait for it to end or stop it first (DJL records gradients JVM-wide)");
        }
        TrainingRun run = new TrainingRun(spec);
        try {
            run.start(new FaceServices(faceAnalyzer, compositor), () -> BUSY.set(false));
        } catch (RuntimeException e) {
            BUSY.set(false);
            throw e;
        }
        return run;
    }

    @Override
    public EvaluationReport evaluate(EvaluationSpec spec) {
        checkStage(spec.stage());
        if (!BUSY.compareAndSet(false, true)) {
            throw new InvalidInputException("a training run is going in this JVM", "evaluate after it ends");
        }
        try {
            return Stage1Evaluator.evaluate(spec, new FaceServices(faceAnalyzer, compositor));
        } finally {
            BUSY.set(false);
        }
    }

    private static void checkStage(Stage stage) {
        if (stage != Stage.BASE) {
            throw new ModelUnavailableException("training of stage " + stage + " is not part of this training bundle",
                    "train the base model (stage BASE); the enhancer and student stages are not implemented yet");
        }
    }
}
