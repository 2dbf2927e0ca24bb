package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class MixedPrecisionTest {

    @Test
    void aCastTakesPartInTheGradientBothWays() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            NDArray w = m.create(new float[] {0.5f, -1.25f, 3f, 0.125f, 2f, -0.75f}, new Shape(2, 3));
            w.setRequiresGradient(true);
            NDArray x = m.create(new float[] {1f, 2f, 4f, -1f, 0.5f, 8f}, new Shape(2, 3)).toType(DataType.FLOAT16, false);
            try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                NDArray half = MixedPrecision.asTypeOf(w, x);
                assertEquals(DataType.FLOAT16, half.getDataType());
                assertEquals(w.getShape(), half.getShape());
                // a scalar loss in the half type, brought back to fp32 as the mixed step does
                NDArray loss = MixedPrecision.cast(half.mul(x).sum(), DataType.FLOAT32);
                assertEquals(DataType.FLOAT32, loss.getDataType());
                assertEquals(new Shape(), loss.getShape());
                gc.backward(loss);
            }
            // d(sum(w * x)) / dw = x, delivered to the fp32 weight in fp32
            assertEquals(DataType.FLOAT32, w.getGradient().getDataType());
            assertArrayEquals(new float[] {1f, 2f, 4f, -1f, 0.5f, 8f}, w.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void arraysOfTheRightTypeOrWithoutGradientAreNotCopiedThroughAutograd() {
        try (NDManager m = NDManager.newBaseManager(Devices.ENGINE)) {
            NDArray a = m.create(new float[] {1f, 2f});
            assertSame(a, MixedPrecision.asTypeOf(a, m.create(new float[] {0f})));
            NDArray ints = m.create(new int[] {1, 2});
            assertSame(a, MixedPrecision.asTypeOf(a, ints));
            NDArray half = MixedPrecision.cast(a, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertArrayEquals(new float[] {1f, 2f}, half.toType(DataType.FLOAT32, false).toFloatArray(), 0f);
        }
    }
}
