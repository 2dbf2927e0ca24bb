package org.megaportraits.nn.layer;

/**
 * A layer that counts the multiply-adds of its passes from the shapes it actually ran on (for
 * FLOP figures: one multiply-add is two FLOPs). The count accumulates until reset.
 */
public interface MultiplyAddCounter {

    /** Multiply-adds since the last reset. */
    long multiplyAdds();

    /** Sets the count back to zero. */
    void resetMultiplyAdds();
}
