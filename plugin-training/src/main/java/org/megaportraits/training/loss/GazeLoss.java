package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
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
        List<double[]> maps = FaceRegions.eyeBandMaps((int) prediction.getShape().get(3), landmarks);
        return loss(prediction, target, FaceRegions.onDevice(maps, prediction.getManager()));
    }

    /**
     * The loss between predictions and targets with the eye-band maps (N x 6, {@link
     * FaceRegions#eyeBandMaps}) on their device: nothing is copied from the host, so the call does
     * not wait for the device. Both sides' bands pass the network as one batch.
     */
    public NDArray loss(NDArray prediction, NDArray target, NDArray bandMaps) {
        NDArray both = PredictionAndTarget.stack(prediction, target);
        return PredictionAndTarget.featureDistance(network.features(FaceRegions.eyeBands(both, bandMaps.concat(bandMaps, 0))));
    }

    @Override
    public void close() {
        network.close();
    }
}
