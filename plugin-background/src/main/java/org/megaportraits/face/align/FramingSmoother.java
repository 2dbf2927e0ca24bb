package org.megaportraits.face.align;

/**
 * Smooths a video's crop framings in time with a 1-euro filter on the centre and the log of the
 * side, both measured in units of the first crop's side so that the settings do not depend on
 * the face's size in pixels. A still head gives a still crop; a moving head is followed within a
 * few frames.
 */
public final class FramingSmoother {

    /** Cut-off for a still head: about 0.6 Hz at 25 frames per second. */
    private static final double MIN_CUTOFF = 0.025;
    /** Cut-off growth per crop side per frame of motion. */
    private static final double BETA = 4.0;
    private static final double DERIVATIVE_CUTOFF = 0.1;

    private final OneEuroFilter x = new OneEuroFilter(MIN_CUTOFF, BETA, DERIVATIVE_CUTOFF);
    private final OneEuroFilter y = new OneEuroFilter(MIN_CUTOFF, BETA, DERIVATIVE_CUTOFF);
    private final OneEuroFilter logSide = new OneEuroFilter(MIN_CUTOFF, BETA, DERIVATIVE_CUTOFF);
    private double unit;

    /** The smoothed framing of the next frame, given its raw framing. */
    public Framing next(Framing raw) {
        if (unit == 0) {
            unit = raw.side();
        }
        double cx = x.next(raw.centreX() / unit) * unit;
        double cy = y.next(raw.centreY() / unit) * unit;
        double side = Math.exp(logSide.next(Math.log(raw.side() / unit))) * unit;
        return new Framing(cx, cy, side);
    }
}
