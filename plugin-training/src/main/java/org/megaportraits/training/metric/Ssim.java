package org.megaportraits.training.metric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Structural similarity (Wang et al. 2004) of images in [0, 1]: an 11 x 11 Gaussian window with
 * sigma 1.5, C1 = 0.01^2, C2 = 0.03^2, statistics weighted by the window without Bessel correction,
 * over every position where the window fits inside the image (no padding), averaged over positions
 * and channels.
 */
public final class Ssim {

    /** Window side. */
    public static final int WINDOW = 11;
    /** Window sigma. */
    public static final double SIGMA = 1.5;
    private static final float C1 = 0.01f * 0.01f;
    private static final float C2 = 0.03f * 0.03f;

    private Ssim() {
    }

    /** The normalised 1-D Gaussian of the window. */
    public static float[] gaussian() {
        float[] g = new float[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            int k = i - WINDOW / 2;
            g[i] = (float) Math.exp(-k * k / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= (float) sum;
        }
        return g;
    }

    /** Per-image SSIM of two N x C x H x W batches (H, W at least 11). */
    public static float[] perImage(NDArray a, NDArray b) {
        Shape s = a.getShape();
        long n = s.get(0);
        int c = (int) s.get(1);
        if (s.get(2) < WINDOW || s.get(3) < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least 11 x 11, got " + s);
        }
        NDManager manager = a.getManager();
        float[] g = gaussian();
        float[] w = new float[WINDOW * WINDOW];
        for (int y = 0; y < WINDOW; y++) {
            for (int x = 0; x < WINDOW; x++) {
                w[y * WINDOW + x] = g[y] * g[x];
            }
        }
        NDArray kernel = manager.create(w, new Shape(1, 1, WINDOW, WINDOW)).repeat(0, c).toDevice(a.getDevice(), false);
        NDArray muA = blur(a, kernel, c);
        NDArray muB = blur(b, kernel, c);
        NDArray varA = blur(a.square(), kernel, c).sub(muA.square());
        NDArray varB = blur(b.square(), kernel, c).sub(muB.square());
        NDArray cov = blur(a.mul(b), kernel, c).sub(muA.mul(muB));
        NDArray luminance = Scalars.add(Scalars.mul(muA.mul(muB), 2), C1).div(Scalars.add(muA.square().add(muB.square()), C1));
        NDArray structure = Scalars.add(Scalars.mul(cov, 2), C2).div(Scalars.add(varA.add(varB), C2));
        return luminance.mul(structure).reshape(n, -1).mean(new int[] {1}).toFloatArray();
    }

    private static NDArray blur(NDArray x, NDArray kernel, int channels) {
        return Conv2d.conv2d(x, kernel, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), channels).singletonOrThrow();
    }
}
