package org.megaportraits.nn.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Mixed precision: training keeps its weights (and the optimizer's moments) in fp32 and computes
 * in bf16. Layers cast a weight to the type of the activations it meets, at use, and the loss
 * terms come back to fp32; autograd carries each gradient back through the cast in the type of
 * what was cast. When the types agree (fp32 training, inference with weights loaded in the
 * compute type) nothing is cast.
 */
public final class MixedPrecision {

    private MixedPrecision() {
    }

    /** {@code a} in the floating type of {@code activations} (a itself when they agree or either is not floating). */
    public static NDArray asTypeOf(NDArray a, NDArray activations) {
        DataType want = activations.getDataType();
        if (!want.isFloating() || !a.getDataType().isFloating()) {
            return a;
        }
        return cast(a, want);
    }

    /**
     * {@code a} in {@code type}, differentiable. DJL's {@code toType} runs outside autograd (its
     * result has no gradient path), so {@code a} is added into zeros of the new type instead: an
     * in-place addition that autograd records, and whose gradient reaches {@code a} in a's type.
     */
    public static NDArray cast(NDArray a, DataType type) {
        if (a.getDataType() == type) {
            return a;
        }
        return a.getManager().zeros(a.getShape(), type, a.getDevice()).addi(a);
    }
}
