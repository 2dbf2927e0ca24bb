package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The number operations give what DJL's own Number operations give, in the same type and manager. */
class ScalarsTest {

    private static final float[] VALUES = {-2.5f, -1f, 0f, 0.25f, 1f, 3.75f};

    private static void same(NDArray want, NDArray got) {
        assertEquals(want.getDataType(), got.getDataType());
        assertEquals(want.getShape(), got.getShape());
        assertArrayEquals(want.toType(DataType.FLOAT64, false).toDoubleArray(),
                got.toType(DataType.FLOAT64, false).toDoubleArray(), 1e-6);
    }

    @Test
    void floatOperationsMatchDjl() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(VALUES, new Shape(2, 3));
            same(x.add(0.5f), Scalars.add(x, 0.5f));
            same(x.sub(0.5f), Scalars.sub(x, 0.5f));
            same(x.mul(-3f), Scalars.mul(x, -3f));
            same(x.mul(0.1), Scalars.mul(x, 0.1));
            same(x.div(4f), Scalars.div(x, 4f));
            same(x.abs().pow(1.5f), Scalars.pow(x.abs(), 1.5f));
            same(x.neg().add(1f), Scalars.rsub(1f, x));
            same(m.full(new Shape(2, 3), 2f).div(x.add(3f)), Scalars.rdiv(2f, x.add(3f)));
            same(x.maximum(0.25f), Scalars.maximum(x, 0.25f));
            same(x.minimum(0.25f), Scalars.minimum(x, 0.25f));
            same(x.clip(-1f, 1f), Scalars.clip(x, -1f, 1f));
            same(x.gt(0f), Scalars.gt(x, 0f));
            same(x.gte(0f), Scalars.gte(x, 0f));
            same(x.lt(1f), Scalars.lt(x, 1f));
            same(x.lte(1f), Scalars.lte(x, 1f));
            same(x.eq(1f), Scalars.eq(x, 1f));
        }
    }

    @Test
    void integerArraysStayInteger() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray i = m.arange(0, 6, 1, DataType.INT64);
            same(i.mul(7).add(2), Scalars.add(Scalars.mul(i, 7), 2));
            same(i.clip(1, 4), Scalars.clip(i, 1, 4));
            same(i.maximum(2), Scalars.maximum(i, 2));
            assertEquals(DataType.INT64, Scalars.sub(i, 1).getDataType());
            // a float number makes the result floating, as DJL's did
            same(i.mul(0.5f), Scalars.mul(i, 0.5f));
        }
    }

    @Test
    void halfPrecisionStaysHalf() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray h = m.create(VALUES, new Shape(6)).toType(DataType.FLOAT16, false);
            assertEquals(DataType.FLOAT16, Scalars.mul(h, 0.3f).getDataType());
            same(h.add(1f), Scalars.add(h, 1f));
        }
    }

    @Test
    void inPlaceOperationsChangeTheArray() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(VALUES);
            NDArray want = x.mul(2f).add(1f).div(4f);
            Scalars.divi(Scalars.addi(Scalars.muli(x, 2f), 1f), 4f);
            same(want, x);
        }
    }

    @Test
    void resultsBelongToTheOperandsManager() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(VALUES);
            NDManager sub = m.newSubManager();
            NDArray y = x.duplicate();
            y.attach(sub);
            NDArray a = Scalars.mul(y, 2f);
            NDArray b = Scalars.rsub(1f, y);
            assertEquals(sub, a.getManager());
            assertEquals(sub, b.getManager());
            sub.close();
            // closed with the operand's manager: nothing was left to a manager of its own
            assertTrue(a.isReleased() && b.isReleased());
        }
    }

    @Test
    void gradientsFlowThroughTheNumberOperations() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray x = m.create(new float[] {0.5f, 2f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Devices.engine().newGradientCollector()) {
                // d/dx [3x + 1 - (2 - x) + x^2 / 4] = 3 + 1 + x / 2
                NDArray y = Scalars.add(Scalars.mul(x, 3f), 1f).sub(Scalars.rsub(2f, x))
                        .add(Scalars.div(Scalars.pow(x, 2f), 4f)).sum();
                gc.backward(y);
            }
            assertArrayEquals(new float[] {4.25f, 5f, 5.5f}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void vectorHoldsTheValuesInTheType() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray v = Scalars.vector(m, Device.cpu(), DataType.INT64, 1, 64, 4096);
            assertEquals(DataType.INT64, v.getDataType());
            assertArrayEquals(new long[] {1, 64, 4096}, v.toLongArray());
            NDArray one = Scalars.vector(m, Device.cpu(), DataType.FLOAT32, 0.5f);
            assertArrayEquals(new float[] {0.5f}, one.toFloatArray());
        }
    }
}
