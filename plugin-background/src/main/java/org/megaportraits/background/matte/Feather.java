package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** Gaussian blur of one-channel maps on their device, for feathering hard mattes into soft ones. */
final class Feather {

    private Feather() {
    }

    /**
     * {@code maps} (N, 1, H, W) blurred by a Gaussian of {@code sigma} pixels: one horizontal and
     * one vertical pass. Near the border the kernel is renormalised over the pixels that exist, so a
     * constant map stays constant.
     */
    static NDArray gaussian(NDArray maps, double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] taps = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            taps[i + r] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += taps[i + r];
        }
        for (int i = 0; i < taps.length; i++) {
            taps[i] /= (float) sum;
        }
        NDArray row = maps.getManager().create(taps, new Shape(1, 1, 1, taps.length)).toDevice(maps.getDevice(), false)
                .toType(maps.getDataType(), false);
        NDArray column = row.reshape(1, 1, taps.length, 1);
        NDArray ones = maps.onesLike();
        return pass(pass(maps, row, 0, r), column, r, 0).div(pass(pass(ones, row, 0, r), column, r, 0));
    }

    private static NDArray pass(NDArray x, NDArray kernel, int padY, int padX) {
        return Conv2d.conv2d(x, kernel, null, new Shape(1, 1), new Shape(padY, padX), new Shape(1, 1), 1).singletonOrThrow();
    }
}
