package org.megaportraits.host.job;

import java.util.Map;

/**
 * What a finished job did: frames written, frames where the tracker found no face (filled from the
 * nearest face), wall time, which bundle versions served it, and the seconds spent in each stage
 * (start-up and source encoding, then per stage summed over all batches). Tracking, the model, and
 * mattes, plate, composite and paste-back run on three threads, each a batch behind the one before,
 * so the stages overlap; decoding and encoding run on threads of their own and are not in it. On a
 * GPU a stage's figure includes device work queued by other stages that it waits for.
 * The steady rate counts the frames after the first batch over the time after it was finished:
 * the job's rate once start-up, source encoding and the filling of the pipeline are behind it (0
 * when the video had a single batch), and the steady stage figures are the stage sums over every
 * batch but the first.
 */
public record ReenactReport(long frames, long framesWithoutFace, double seconds, String providers,
                            Map<String, Double> stageSeconds, double steadyFramesPerSecond,
                            Map<String, Double> steadyStageSeconds) {

    /** Frames per second over the whole job. */
    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
