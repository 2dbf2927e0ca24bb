package org.megaportraits.nn.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;

/** Seeded draws: the same values on any number of threads, distributed as asked, blocks independent. */
class InitTest {

    /** Five blocks and a part: enough to cross block borders. */
    private static final Shape SHAPE = new Shape(5, 65536 + 123);

    @Test
    void aSeededDrawIsTheSameOnOneThreadAndOnMany() throws Exception {
        Init init = Init.normal(0.2f).seeded(42);
        float[] many = draw(init);
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            float[] single = one.submit(() -> draw(init)).get();
            assertArrayEquals(many, single);
        } finally {
            one.shutdown();
        }
        assertArrayEquals(many, draw(init), "a second draw");
        assertFalse(Arrays.equals(many, draw(Init.normal(0.2f).seeded(43))), "another seed");
    }

    @Test
    void uniformAndNormalDrawsHaveTheirMomentsAndBlocksDoNotRepeat() {
        float[] u = draw(Init.uniform(0.5f).seeded(7));
        double[] m = moments(u);
        assertEquals(0, m[0], 0.005);
        assertEquals(0.25 / 3, m[1], 0.002);
        for (float v : u) {
            assertTrue(Math.abs(v) <= 0.5f);
        }
        double[] g = moments(draw(Init.normal(0.2f).seeded(7)));
        assertEquals(0, g[0], 0.002);
        assertEquals(0.04, g[1], 0.0008);
        // block 1 is not block 0 again
        float[] first = Arrays.copyOfRange(u, 0, 1000);
        float[] second = Arrays.copyOfRange(u, 65536, 66536);
        assertFalse(Arrays.equals(first, second));
    }

    private static float[] draw(Init init) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), Devices.ENGINE)) {
            return init.initialize(m, SHAPE, DataType.FLOAT32).toFloatArray();
        }
    }

    private static double[] moments(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, var / v.length};
    }
}
