package org.megaportraits.host.job;

import java.util.Map;
import org.megaportraits.host.video.VideoPipeline;

/**
 * What a finished job did: frames written, frames where the tracker found no face (filled from the
 * nearest face), wall time, which bundle versions served it, and the seconds spent in each stage
 * (start-up and source encoding, then per stage summed over all batches). Tracking, the model, and
 * mattes, plate, composite and paste-back run on three threads, each behind the one before, so the
 * stages overlap; decoding and encoding run on threads of their own and are not in it. On a
 * GPU a stage's figure includes device work queued by other stages that it waits for.
 * The steady rate counts the frames after the first batch over the time after it was finished:
 * the job's rate once start-up, source encoding and the filling of the pipeline are behind it (0
 * when the video had a single batch), and the steady stage figures are the stage sums over every
 * batch but the first; {@code firstOutputSeconds} is the time from the job's start until the first
 * batch was finished (start-up and filling the pipeline), and {@code firstRuns} when each stage
 * first ran (start and end in seconds after the job's start) shows how it filled. {@code videoIo}
 * says how long processing stood still for decoding and encoding, and how long the encoder ran on
 * after the last batch was processed.
 */
public record ReenactReport(long frames, long framesWithoutFace, double seconds, String providers,
                            Map<String, Double> stageSeconds, Map<String, double[]> firstRuns,
                            double firstOutputSeconds, double steadyFramesPerSecond,
                            Map<String, Double> steadyStageSeconds, VideoPipeline.Result videoIo) {

    /** Frames per second over the whole job. */
    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
