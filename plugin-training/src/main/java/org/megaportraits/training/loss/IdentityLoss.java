package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.megaportraits.face.net.FaceRecognitionNet;
import org.megaportraits.nn.tensor.Scalars;

/**
 * The face-identity term and the CSIM metric from face-api's recognition net (the pretrained
 * network available here; the paper uses VGGFace). Loss: the mean absolute difference of the
 * recognition descriptors of the prediction's and the target's face chips; the target side is a
 * constant. Similarity: cosine of the unit descriptors.
 */
public final class IdentityLoss {

    private final FaceRecognitionNet net;
    private final ParameterStore store;

    /** Uses a loaded recognition net (its weights are frozen). */
    public IdentityLoss(FaceRecognitionNet net, NDManager manager) {
        this.net = net;
        this.store = new ParameterStore(manager, false);
    }

    /** Raw descriptors of the images' face chips. */
    public NDArray descriptors(NDArray images, List<double[]> landmarks) {
        return net.forward(store, new NDList(FaceRegions.chips(images, landmarks)), false).singletonOrThrow();
    }

    /** The loss between predictions and targets (N x 3 x H x W) with the targets' landmarks. */
    public NDArray loss(NDArray prediction, NDArray target, List<double[]> landmarks) {
        List<double[]> maps = FaceRegions.chipMaps((int) prediction.getShape().get(3), landmarks);
        return loss(prediction, target, FaceRegions.onDevice(maps, prediction.getManager()));
    }

    /**
     * The loss between predictions and targets (N x 3 x H x W) with the chip maps (N x 6, {@link
     * FaceRegions#chipMaps}) on their device: nothing is copied from the host, so the call does not
     * wait for the device. Both sides' chips pass the net as one batch.
     */
    public NDArray loss(NDArray prediction, NDArray target, NDArray chipMaps) {
        NDArray both = PredictionAndTarget.stack(prediction, target);
        NDArray d = net.forward(store, new NDList(FaceRegions.chips(both, chipMaps.concat(chipMaps, 0))), false)
                .singletonOrThrow();
        NDArray[] h = PredictionAndTarget.halves(d);
        return h[0].sub(h[1]).abs().mean();
    }

    /** Per-pair identity cosine similarity (CSIM) of two batches of faces. */
    public float[] similarity(NDArray a, List<double[]> landmarksA, NDArray b, List<double[]> landmarksB) {
        NDArray ea = unit(descriptors(a, landmarksA));
        NDArray eb = unit(descriptors(b, landmarksB));
        return ea.mul(eb).sum(new int[] {1}).toFloatArray();
    }

    private static NDArray unit(NDArray d) {
        return d.div(Scalars.add(d.norm(new int[] {1}, true), 1e-12f));
    }
}
