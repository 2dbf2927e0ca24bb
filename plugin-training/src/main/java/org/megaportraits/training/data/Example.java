package org.megaportraits.training.data;

/**
 * One training example: a source/driver pair from one identity and a second pair from another
 * identity (for the cycle loss and cross-reenactment).
 *
 * @param main the pair the model reconstructs
 * @param cross the pair from another identity
 */
public record Example(Pair main, Pair cross) {

    /**
     * A source and a driver of one identity, augmented, with the driver's expression copy.
     *
     * @param identity index of the identity in the data source
     * @param source the source view
     * @param driver the driver view, also the ground truth
     * @param expression the driver's augmented copy for the expression encoder
     */
    public record Pair(int identity, CroppedFrame source, CroppedFrame driver, Planar expression) {
    }
}
