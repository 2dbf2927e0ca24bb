package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A frozen network whose feature maps a perceptual loss compares: VGG19, the face-recognition net,
 * a gaze net, or a user's TorchScript module. It takes N x 3 x H x W images in [0, 1] and does its
 * own input normalisation.
 */
public interface FeatureNetwork extends AutoCloseable {

    /** A short name for logs and loss keys. */
    String name();

    /** The smallest image side the network takes (1 unless it pools the image down). */
    default int minimumSide() {
        return 1;
    }

    /** The feature maps, shallow to deep, with gradients flowing back to {@code images}. */
    NDList features(NDArray images);

    /** Frees the network. */
    @Override
    void close();
}
