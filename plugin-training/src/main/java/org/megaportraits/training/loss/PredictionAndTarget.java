package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A prediction and its target through a frozen network as one batch: half the engine calls of two
 * passes, which is what the loss terms' time is made of at training sizes (their kernels are small
 * and the host launches them slower than the GPU runs them). Every network here treats each image
 * on its own (no batch statistics), so the halves are what two passes would give, up to rounding.
 * The target's half is a constant, as it was as a pass of its own.
 */
final class PredictionAndTarget {

    private PredictionAndTarget() {
    }

    /** The prediction's images followed by the target's (cut from the graph), along the batch axis. */
    static NDArray stack(NDArray prediction, NDArray target) {
        return prediction.concat(target.stopGradient(), 0);
    }

    /** The prediction's half of a batch made by {@link #stack} (index 0) and the target's, as a constant (index 1). */
    static NDArray[] halves(NDArray stacked) {
        NDList parts = stacked.split(2, 0);
        return new NDArray[] {parts.get(0), parts.get(1).stopGradient()};
    }

    /**
     * The mean absolute difference of the two halves of each feature map, summed over the maps:
     * the loss of the feature-matching kind every perceptual term here uses.
     */
    static NDArray featureDistance(NDList features) {
        NDArray total = null;
        for (NDArray f : features) {
            NDArray[] h = halves(f);
            NDArray d = h[0].sub(h[1]).abs().mean();
            total = total == null ? d : total.add(d);
        }
        return total;
    }
}
