package org.megaportraits.training.metric;

import ai.djl.ndarray.NDArray;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Peak signal-to-noise ratio of images in [0, 1]: {@code 10 log10(1 / MSE)} per image. The MSE is
 * floored at 1e-10, so identical images score 100 dB rather than infinity.
 */
public final class Psnr {

    private Psnr() {
    }

    /** Per-image PSNR in dB of two N x C x H x W batches. */
    public static float[] perImage(NDArray a, NDArray b) {
        long n = a.getShape().get(0);
        NDArray mse = a.sub(b).square().reshape(n, -1).mean(new int[] {1});
        return Scalars.mul(Scalars.maximum(mse, 1e-10f).log10(), -10f).toFloatArray();
    }
}
