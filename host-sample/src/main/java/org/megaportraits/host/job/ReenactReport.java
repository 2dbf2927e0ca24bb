package org.megaportraits.host.job;

/**
 * What a finished job did: frames written, frames where the tracker found no face (filled from the
 * nearest face), wall time, and which bundle versions served it.
 */
public record ReenactReport(long frames, long framesWithoutFace, double seconds, String providers) {

    /** Frames per second over the whole job. */
    public double framesPerSecond() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
