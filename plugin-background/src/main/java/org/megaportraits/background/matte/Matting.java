package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A way to compute foreground mattes. */
public interface Matting extends AutoCloseable {

    /**
     * Mattes of a batch of RGB crops.
     *
     * @param images N x 3 x H x W in [0, 1]
     * @return N x 1 x H x W in [0, 1] (1 = person), on the images' manager and device
     */
    NDArray matte(NDArray images);

    /**
     * Mattes of crops whose 68 landmarks (crop pixels) are known, per crop or null where unknown;
     * a matting that does not use faces ignores them.
     */
    default NDArray matte(NDArray images, List<double[]> landmarks) {
        return matte(images);
    }

    /** Frees what the matting holds. */
    @Override
    void close();
}
