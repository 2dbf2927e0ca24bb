package org.megaportraits.training.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Scalar operations on arrays that may carry gradients (see the package comment for why). */
public final class Scalars {

    private Scalars() {
    }

    /** An engine-allocated 0-d scalar of {@code like}'s type on its device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.mul(s);
        }
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.div(s);
        }
    }

    /** {@code max(x, v)} element-wise. */
    public static NDArray maximum(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.maximum(s);
        }
    }

    /**
     * An engine-owned copy of an array made from Java memory ({@code manager.create(float[])}),
     * whose original is closed: safe to keep in an autograd graph after the original is gone.
     */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }
}
