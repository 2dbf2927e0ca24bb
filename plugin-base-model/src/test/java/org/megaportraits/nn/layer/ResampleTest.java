package org.megaportraits.nn.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;

class ResampleTest {

    @Test
    void linearDoublingUsesHalfPixelCentresLikePyTorch() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            int d = 3;
            int h = 4;
            int w = 5;
            NDArray x = m.randomNormal(new Shape(1, 2, d, h, w));
            float[] xs = x.toFloatArray();
            float[] out = Resample.upsampleLinear(x, 2, 2, 1).toFloatArray();
            int od = 2 * d;
            int oh = 2 * h;
            for (int c = 0; c < 2; c++) {
                for (int z = 0; z < od; z++) {
                    for (int y = 0; y < oh; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            double expected = 0;
                            // output i samples input coordinate (i + 0.5) / 2 - 0.5, clamped at 0
                            double sz = Math.max(0, (z + 0.5) / 2 - 0.5);
                            double sy = Math.max(0, (y + 0.5) / 2 - 0.5);
                            int z0 = (int) sz;
                            int y0 = (int) sy;
                            double fz = sz - z0;
                            double fy = sy - y0;
                            int z1 = Math.min(z0 + 1, d - 1);
                            int y1 = Math.min(y0 + 1, h - 1);
                            expected += (1 - fz) * (1 - fy) * xs[((c * d + z0) * h + y0) * w + xx];
                            expected += (1 - fz) * fy * xs[((c * d + z0) * h + y1) * w + xx];
                            expected += fz * (1 - fy) * xs[((c * d + z1) * h + y0) * w + xx];
                            expected += fz * fy * xs[((c * d + z1) * h + y1) * w + xx];
                            assertEquals(expected, out[((c * od + z) * oh + y) * w + xx], 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nearestRepeatsAndPoolingAverages() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                    Resample.upsampleNearest(x, 2, 2).toFloatArray());
            assertArrayEquals(new float[] {2.5f}, Resample.averagePool(x, 2, 2).toFloatArray());
            assertArrayEquals(new float[] {2.5f}, Resample.resize(x, 1, 1).toFloatArray());
        }
    }

    @Test
    void resizingToASizeThatDoesNotDivideIsBilinearWithHalfPixelCentres() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            // 2 -> 3: output i samples (i + 0.5) * 2/3 - 0.5 = -1/6, 1/2, 7/6 (edges clamped)
            float[] out = Resample.resize(x, 3, 3).toFloatArray();
            assertArrayEquals(new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, out, 1e-6f);
        }
    }
}
