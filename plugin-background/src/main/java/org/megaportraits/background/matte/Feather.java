package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.megaportraits.nn.tensor.Scalars;

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
        // the taps are made on the device: a copy from the host would wait for the device's queue
        NDArray i = maps.getManager().arange(-r, r + 1, 1f, DataType.FLOAT32, maps.getDevice());
        NDArray g = Scalars.mul(i.square(), (float) (-0.5 / (sigma * sigma))).exp();
        NDArray row = g.div(g.sum()).toType(maps.getDataType(), false).reshape(1, 1, 1, 2 * r + 1);
        NDArray column = row.reshape(1, 1, 2 * r + 1, 1);
        // the border's normaliser is separable like the kernel: a row's and a column's, multiplied
        Shape s = maps.getShape();
        NDArray across = pass(maps.getManager().ones(new Shape(1, 1, 1, s.get(3)), maps.getDataType(), maps.getDevice()), row, 0, r);
        NDArray down = pass(maps.getManager().ones(new Shape(1, 1, s.get(2), 1), maps.getDataType(), maps.getDevice()), column, r, 0);
        return pass(pass(maps, row, 0, r), column, r, 0).div(down.mul(across));
    }

    private static NDArray pass(NDArray x, NDArray kernel, int padY, int padX) {
        return Conv2d.conv2d(x, kernel, null, new Shape(1, 1), new Shape(padY, padX), new Shape(1, 1), 1).singletonOrThrow();
    }
}
