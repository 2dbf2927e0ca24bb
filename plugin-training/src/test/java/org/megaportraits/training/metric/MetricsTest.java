package org.megaportraits.training.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void psnrOfKnownErrors() {
        // image 1: every pixel off by 0.1 -> MSE 0.01 -> 20 dB
        // image 2: half the pixels off by 0.1, half by 0.3 -> MSE 0.05 -> 10 log10(20) = 13.0103 dB
        NDArray a = m.zeros(new Shape(2, 1, 2, 2));
        NDArray b = m.create(new float[] {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.3f, 0.1f, 0.3f}, new Shape(2, 1, 2, 2));
        float[] psnr = Psnr.perImage(a, b);
        assertEquals(20.0, psnr[0], 1e-4);
        assertEquals(13.0103, psnr[1], 1e-4);
        assertEquals(100.0, Psnr.perImage(a, a)[0], 1e-4);
    }

    @Test
    void ssimOfFlatImagesIsTheLuminanceTerm() {
        // one 11 x 11 window, means 0.5 and 0.25, no variance:
        // (2 * 0.5 * 0.25 + C1) / (0.25 + 0.0625 + C1) * (C2 / C2) = 0.2501 / 0.3126 = 0.800064
        NDArray a = m.full(new Shape(1, 3, 11, 11), 0.5f);
        NDArray b = m.full(new Shape(1, 3, 11, 11), 0.25f);
        assertEquals(0.800064, Ssim.perImage(a, b)[0], 1e-5);
        assertEquals(1.0, Ssim.perImage(a, a)[0], 1e-6);
    }

    @Test
    void ssimOfScaledPatternIsTheStructureTerm() {
        // pattern s = +1 left of the centre column, -1 right of it, 0 on it; a = 0.5 + 0.2 s, b = 0.5 + 0.1 s.
        // The window's weighted mean of s is 0 by symmetry and of s^2 is q = 1 - w0, w0 the centre weight of the
        // 1-D Gaussian: sum_k exp(-k^2 / 4.5), k = -5..5, = 1 + 2 (0.80074 + 0.41111 + 0.13534 + 0.02857 + 0.00387)
        // = 3.75926, w0 = 0.266012, q = 0.733988. Means equal -> luminance 1;
        // structure = (2 * 0.02 q + C2) / (0.04 q + 0.01 q + C2) = 0.0302595 / 0.0375994 = 0.804787
        float[] pa = new float[11 * 11];
        float[] pb = new float[11 * 11];
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 11; x++) {
                float s = Math.signum(5 - x);
                pa[y * 11 + x] = 0.5f + 0.2f * s;
                pb[y * 11 + x] = 0.5f + 0.1f * s;
            }
        }
        NDArray a = m.create(pa, new Shape(1, 1, 11, 11));
        NDArray b = m.create(pb, new Shape(1, 1, 11, 11));
        assertEquals(0.804787, Ssim.perImage(a, b)[0], 2e-5);
    }
}
