package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import org.megaportraits.nn.tensor.TorchOps;

/**
 * Weight standardisation (Qiao et al. 2019, used by the paper on every convolution that follows a
 * group normalisation): each output filter shifted to mean 0 and divided by its standard
 * deviation. Statistics are taken in fp32 for half-precision weights, so they standardise as well
 * as full-precision ones.
 */
public final class WeightStandardization {

    /** Added to the variance before the square root. */
    public static final float EPS = 1e-5f;

    private WeightStandardization() {
    }

    /**
     * The standardised weight, same shape and type as {@code w} (out channels first): one
     * layer-norm kernel over the rows of filters (training recomputes this for every convolution
     * in every pass; mixed-precision training hands it the weight already in the compute type).
     */
    public static NDArray apply(NDArray w) {
        return TorchOps.standardizeRows(w, EPS);
    }
}
