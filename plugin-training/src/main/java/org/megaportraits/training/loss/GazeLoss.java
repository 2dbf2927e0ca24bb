package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * The gaze term: a user-supplied gaze network's features of the eye bands
 * ({@link FaceRegions#eyeBands}, 3 x 64 x 128 in [0, 1]) of prediction and target, compared by
 * mean absolute difference summed over the network's outputs. The paper distils RT-GENE and
 * RT-BENE into a VGG16; no such weights exist here, so the term runs only when the user gives a
 * network.
 */
public final class GazeLoss implements AutoCloseable {

    private final FeatureNetwork network;

    /** A gaze term over the given network (owned by this loss). */
    public GazeLoss(FeatureNetwork network) {
        this.network = network;
    }

    /** The loss between predictions and targets with the targets' landmarks. */
    public NDArray loss(NDArray prediction, NDArray target, List<double[]> landmarks) {
        NDList p = network.features(FaceRegions.eyeBands(prediction, landmarks));
        NDList t = network.features(FaceRegions.eyeBands(target.stopGradient(), landmarks));
        NDArray total = null;
        for (int i = 0; i < p.size(); i++) {
            NDArray d = p.get(i).sub(t.get(i).stopGradient()).abs().mean();
            total = total == null ? d : total.add(d);
        }
        return total;
    }

    @Override
    public void close() {
        network.close();
    }
}
