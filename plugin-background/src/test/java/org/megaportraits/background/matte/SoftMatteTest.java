package org.megaportraits.background.matte;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;

/** Hard labels into soft mattes: feathered at their size, scaled up, within [0, 1]. */
class SoftMatteTest {

    @Test
    void constantsStayAndAnEdgeIsFeatheredSymmetricallyAtFourTimesTheSize() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            int side = 32;
            NDArray ones = m.ones(new Shape(1, 1, side, side));
            float[] flat = SoftMatte.soften(ones, 1.5, 4 * side, 4 * side).toFloatArray();
            assertEquals(16 * side * side, flat.length);
            for (float v : flat) {
                assertEquals(1f, v, 1e-5f);
            }
            // left half person: along a row the matte rises from 0 to 1 around the middle, mirrored about it
            float[] step = new float[side * side];
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side / 2; x++) {
                    step[y * side + x] = 1;
                }
            }
            int w = 4 * side;
            float[] soft = SoftMatte.soften(m.create(step, new Shape(1, 1, side, side)), 1.5, w, w).toFloatArray();
            float[] row = java.util.Arrays.copyOfRange(soft, 60 * w, 61 * w);
            assertEquals(1f, row[0], 1e-5f);
            assertEquals(0f, row[w - 1], 1e-5f);
            for (int x = 0; x < w; x++) {
                assertTrue(row[x] >= 0 && row[x] <= 1, "in [0, 1] at " + x);
                assertEquals(1f, row[x] + row[w - 1 - x], 1e-4f, "mirrored about the edge at " + x);
                if (x > 0) {
                    assertTrue(row[x] <= row[x - 1] + 1e-6f, "falls across the edge at " + x);
                }
            }
            // the blur spreads over a few label pixels (sigma 1.5), not the whole row
            assertTrue(row[w / 2 - 24] > 0.99f && row[w / 2 + 24] < 0.01f, "feather too wide");
            assertTrue(row[w / 2 - 4] < 0.9f && row[w / 2 + 4] > 0.1f, "feather too narrow");
            assertArrayEquals(new long[] {1, 1, w, w}, SoftMatte.soften(m.create(step, new Shape(1, 1, side, side)), 1.5, w, w)
                    .getShape().getShape());
        }
    }
}
