package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Perceptual loss (Johnson et al. 2016) on an image pyramid: at each of {@code levels} levels
 * (full size, then halved by 2 x 2 average pooling, as the paper's 512/256/128/64 pyramid) both
 * images pass the feature network; the loss is the sum over its layers of the mean absolute
 * feature difference, averaged over the levels. The target's features are constants. Prediction
 * and target pass the network together, as one batch.
 */
public final class PerceptualLoss {

    private final FeatureNetwork network;
    private final int levels;

    /** A loss on {@code levels} pyramid levels (1 = full size only). */
    public PerceptualLoss(FeatureNetwork network, int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("a pyramid needs at least one level, got " + levels);
        }
        this.network = network;
        this.levels = levels;
    }

    /** The feature network. */
    public FeatureNetwork network() {
        return network;
    }

    /** The loss between a prediction and its target, both N x 3 x H x W in [0, 1]. */
    public NDArray loss(NDArray prediction, NDArray target) {
        // both images through each level of the network as one batch
        NDArray both = PredictionAndTarget.stack(prediction, target);
        NDArray total = null;
        int used = 0;
        for (int level = 0; level < levels; level++) {
            if (level > 0) {
                both = halve(both);
            }
            if (Math.min(both.getShape().get(2), both.getShape().get(3)) < network.minimumSide()) {
                // too small for the network (VGG's four poolings need 16 pixels): small presets use fewer levels
                break;
            }
            used++;
            NDArray d = PredictionAndTarget.featureDistance(network.features(both));
            total = total == null ? d : total.add(d);
        }
        if (total == null) {
            throw new IllegalArgumentException("images of " + prediction.getShape() + " are too small for the perceptual "
                    + "loss (at least " + network.minimumSide() + " pixels a side)");
        }
        return Scalars.div(total, used);
    }

    static NDArray halve(NDArray x) {
        return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }
}
