package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * The square-window maximum of N x C x H x W maps as one horizontal and one vertical pass: a window
 * of side k reads 2k values per pixel instead of k^2 (the square poolings of the mattes and the
 * plate were the largest kernels outside the model in a window of the reenact job's kernel
 * durations; the job's rate did not move, its limit lies elsewhere).
 */
public final class WindowFilters {

    private WindowFilters() {
    }

    /** Largest value in the (2r + 1)^2 window around each pixel (within the map). */
    public static NDArray windowMax(NDArray x, int radius) {
        int k = 2 * radius + 1;
        NDArray rows = Pool.maxPool2d(x, new Shape(1, k), new Shape(1, 1), new Shape(0, radius), false);
        return Pool.maxPool2d(rows, new Shape(k, 1), new Shape(1, 1), new Shape(radius, 0), false);
    }
}
