package org.megaportraits.background.matte;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;

/** The two-pass window maximum gives what one square pooling gives, borders included. */
class WindowFiltersTest {

    @Test
    void twoPassesEqualTheSquareWindow() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(-1f, 1f, new Shape(2, 3, 23, 31));
            for (int r : new int[] {1, 4, 8}) {
                int k = 2 * r + 1;
                NDArray max = Pool.maxPool2d(x, new Shape(k, k), new Shape(1, 1), new Shape(r, r), false);
                assertArrayEquals(max.toFloatArray(), WindowFilters.windowMax(x, r).toFloatArray(), "max, radius " + r);
            }
        }
    }
}
