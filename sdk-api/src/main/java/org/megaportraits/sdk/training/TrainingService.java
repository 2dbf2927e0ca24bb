package org.megaportraits.sdk.training;

import java.time.Duration;
import java.util.function.Consumer;
import org.megaportraits.sdk.Api;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Training of every stage, an OSGi service, so that a vendor's application can drive it. One run
 * at a time per JVM (DJL's gradient recording is JVM-global).
 */
@Api(Api.Status.STABLE)
@ProviderType
public interface TrainingService {

    /** Starts (or resumes, if the run folder holds a checkpoint) a run in the background. */
    Run start(TrainingSpec spec);

    /**
     * Measures a trained model on held-out data (self- and cross-reenactment), blocking until done.
     *
     * @since 1.1
     */
    @Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
    EvaluationReport evaluate(EvaluationSpec spec);

    /** A training run in progress. */
    @ProviderType
    interface Run {

        /** The run's folder. */
        java.nio.file.Path runDir();

        /** The latest status. */
        TrainingStatus status();

        /** Calls the listener after every logged step and at the end. */
        void onStatus(Consumer<TrainingStatus> listener);

        /** Asks the run to write a checkpoint and stop after the current step. */
        void stop();

        /** Waits for the run to end, at most {@code timeout}; returns its final or latest status. */
        TrainingStatus await(Duration timeout) throws InterruptedException;
    }
}
