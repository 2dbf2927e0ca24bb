package org.megaportraits.face.align;

/**
 * The 1-euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cut-off rises with
 * the signal's speed, so a still signal is smoothed hard (no jitter) while a moving one follows
 * with little lag. Time is counted in frames.
 */
final class OneEuroFilter {

    private final double minCutoff;
    private final double beta;
    private final double derivativeCutoff;
    private boolean started;
    private double value;
    private double derivative;

    /**
     * @param minCutoff        cut-off of a still signal, cycles per frame
     * @param beta             how fast the cut-off grows with speed (per unit of speed per frame)
     * @param derivativeCutoff cut-off of the speed estimate, cycles per frame
     */
    OneEuroFilter(double minCutoff, double beta, double derivativeCutoff) {
        this.minCutoff = minCutoff;
        this.beta = beta;
        this.derivativeCutoff = derivativeCutoff;
    }

    /** Filters the next sample (one frame after the previous). */
    double next(double x) {
        if (!started) {
            started = true;
            value = x;
            derivative = 0;
            return x;
        }
        double dx = x - value;
        derivative += alpha(derivativeCutoff) * (dx - derivative);
        double cutoff = minCutoff + beta * Math.abs(derivative);
        value += alpha(cutoff) * (x - value);
        return value;
    }

    /** Smoothing factor of a first-order low pass at a cut-off, for a one-frame step. */
    private static double alpha(double cutoff) {
        double tau = 1 / (2 * Math.PI * cutoff);
        return 1 / (1 + tau);
    }
}
