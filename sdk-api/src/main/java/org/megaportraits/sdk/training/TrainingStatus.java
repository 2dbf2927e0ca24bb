package org.megaportraits.sdk.training;

import java.util.Map;
import org.megaportraits.sdk.Api;

/**
 * A snapshot of a run: its state, the step reached of the total, the last losses by name, and
 * throughput. {@code error} is set when the run failed.
 */
@Api(Api.Status.STABLE)
public record TrainingStatus(State state, long step, long totalSteps, Map<String, Double> losses,
                             double stepsPerSecond, String error) {

    /** Life cycle of a run. */
    public enum State {
        /** Loading data and models. */
        STARTING,
        /** Taking steps. */
        RUNNING,
        /** Stopped on request after writing a checkpoint; can be resumed. */
        STOPPED,
        /** All steps done. */
        FINISHED,
        /** Ended by an error. */
        FAILED
    }

    /** Copies the loss map. */
    public TrainingStatus {
        losses = losses == null ? Map.of() : Map.copyOf(losses);
    }
}
