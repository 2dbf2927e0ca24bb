package org.megaportraits.host.video;

/** A frame rate as the exact fraction the container stores (30000/1001, not 29.97). */
public record FrameRate(int numerator, int denominator) {

    /** Checks the fraction is positive. */
    public FrameRate {
        if (numerator <= 0 || denominator <= 0) {
            throw new IllegalArgumentException("frame rate " + numerator + "/" + denominator + " is not positive");
        }
    }

    /** Frames per second. */
    public double perSecond() {
        return (double) numerator / denominator;
    }

    @Override
    public String toString() {
        return denominator == 1 ? Integer.toString(numerator) : numerator + "/" + denominator;
    }
}
