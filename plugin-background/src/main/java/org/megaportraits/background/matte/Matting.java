package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;

/** A way to compute foreground mattes. */
public interface Matting extends AutoCloseable {

    /**
     * Mattes of a batch of RGB crops.
     *
     * @param images N x 3 x H x W in [0, 1]
     * @return N x 1 x H x W in [0, 1] (1 = person), on the images' manager and device
     */
    NDArray matte(NDArray images);

    /** Frees what the matting holds. */
    @Override
    void close();
}
