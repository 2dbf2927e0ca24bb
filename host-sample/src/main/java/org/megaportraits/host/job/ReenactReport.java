package org.megaportraits.host.job;

import java.util.Map;

/**
 * What a finished job did: frames written, frames where the tracker found no face (filled from the
 * nearest face), wall time, which bundle versions served it, and the seconds spent in each stage on
 * the processing thread (start-up and source encoding, then per stage over all batches; decoding and
 * encoding run on their own threads and are not in it). On a GPU a stage's figure includes device
 * work queued by earlier stages that it waits for.
 */
public record ReenactReport(long frames, long framesWithoutFace, double seconds, String providers,
                            Map<String, Double> stageSeconds) {

    /** Frames per second over the whole job. */
    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
