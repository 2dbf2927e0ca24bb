package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class FrozenCastsTest {

    @Test
    void aWeightIsCastOncePerTypeKeptBeyondScopesAndFreedWithItsManager() {
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            NDManager net = root.newSubManager();
            NDArray w = net.create(new float[] {1.5f, -2f});
            NDArray doubles = root.create(new double[] {0});
            NDArray floats = root.create(new float[] {0});
            FrozenCasts casts = new FrozenCasts();
            assertSame(w, casts.like(w, floats), "same type and device: the weight itself");
            NDArray c;
            try (NDScope scope = new NDScope()) {
                c = casts.like(w, doubles);
            }
            assertFalse(c.isReleased(), "the copy outlives the scope of its first use");
            assertEquals(DataType.FLOAT64, c.getDataType());
            assertArrayEquals(new double[] {1.5, -2}, c.toDoubleArray(), 0);
            assertSame(c, casts.like(w, doubles), "made once");
            // integer activations (indices, say) leave the type alone
            assertSame(w, casts.like(w, root.create(new int[] {1})));
            net.close();
            assertTrue(c.isReleased(), "freed with the weight's manager");
        }
    }
}
