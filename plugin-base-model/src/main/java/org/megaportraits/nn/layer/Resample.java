package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * Up- and down-sampling of 2D and 3D feature maps (N, C, spatial...) by integer factors per axis.
 * Used instead of transposed convolutions (up-sample, then convolve). Everything is built from
 * differentiable engine operations.
 */
public final class Resample {

    /** Nearest-neighbour interpolation code of DJL's interpolation operator. */
    private static final int NEAREST_CODE = 0;
    /** Bilinear interpolation code of DJL's interpolation operator (half-pixel centres). */
    private static final int BILINEAR_CODE = 1;

    private Resample() {
    }

    /** How an up-sampling fills the new positions. */
    public enum Mode {
        /** Repeat each value. */
        NEAREST,
        /** Linear interpolation along each axis (trilinear in 3D), as PyTorch with align_corners=false. */
        LINEAR
    }

    /** Up-samples by {@code factors} (one per spatial axis) in the given mode. */
    public static NDArray upsample(NDArray x, Mode mode, int... factors) {
        return mode == Mode.NEAREST ? upsampleNearest(x, factors) : upsampleLinear(x, factors);
    }

    /** Repeats each value {@code factors[i]} times along spatial axis i. */
    public static NDArray upsampleNearest(NDArray x, int... factors) {
        if (isOne(factors)) {
            return x;
        }
        Shape s = x.getShape();
        long[] size = new long[factors.length];
        for (int i = 0; i < factors.length; i++) {
            size[i] = s.get(2 + i) * factors[i];
        }
        return x.getNDArrayInternal().interpolation(size, NEAREST_CODE, false);
    }

    /**
     * Linear interpolation by a factor 1 or 2 per spatial axis, separable, with the sample points
     * of PyTorch's {@code interpolate(..., align_corners=False)}: output 2i lies a quarter pixel
     * before input i, output 2i+1 a quarter after, edges clamped.
     */
    public static NDArray upsampleLinear(NDArray x, int... factors) {
        NDArray y = x;
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] == 2) {
                y = doubleAlong(y, 2 + i);
            } else if (factors[i] != 1) {
                throw new IllegalArgumentException("linear up-sampling supports factors 1 and 2, not " + factors[i]);
            }
        }
        return y;
    }

    private static NDArray doubleAlong(NDArray x, int axis) {
        long n = x.getShape().get(axis);
        NDArray first = slice(x, axis, 0, 1);
        NDArray last = slice(x, axis, n - 1, n);
        NDArray prev = n == 1 ? x : NDArrays.concat(new NDList(first, slice(x, axis, 0, n - 1)), axis);
        NDArray next = n == 1 ? x : NDArrays.concat(new NDList(slice(x, axis, 1, n), last), axis);
        NDArray even = x.mul(0.75f).add(prev.mul(0.25f));
        NDArray odd = x.mul(0.75f).add(next.mul(0.25f));
        Shape s = x.getShape();
        long[] out = s.getShape().clone();
        out[axis] = 2 * n;
        return NDArrays.stack(new NDList(even, odd), axis + 1).reshape(new Shape(out));
    }

    private static NDArray slice(NDArray x, int axis, long from, long to) {
        StringBuilder idx = new StringBuilder();
        for (int i = 0; i < axis; i++) {
            idx.append(":,");
        }
        idx.append(from).append(':').append(to);
        return x.get(idx.toString());
    }

    /** Averages blocks of {@code factors} (one per spatial axis), as average pooling with stride = size. */
    public static NDArray averagePool(NDArray x, int... factors) {
        if (isOne(factors)) {
            return x;
        }
        if (x.getDataType() == DataType.FLOAT16 && !x.getDevice().isGpu()) {
            // PyTorch's CPU pooling kernels have no fp16 version
            return averagePool(x.toType(DataType.FLOAT32, false), factors).toType(DataType.FLOAT16, false);
        }
        if (factors.length == 2) {
            Shape k = new Shape(factors[0], factors[1]);
            return Pool.avgPool2d(x, k, k, new Shape(0, 0), false, true);
        }
        Shape k = new Shape(factors[0], factors[1], factors[2]);
        return Pool.avgPool3d(x, k, k, new Shape(0, 0, 0), false, true);
    }

    /**
     * Resizes images (N, C, H, W) to {@code height} x {@code width}: block averaging when the
     * size divides evenly (no aliasing), bilinear interpolation otherwise.
     */
    public static NDArray resize(NDArray x, int height, int width) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (h == height && w == width) {
            return x;
        }
        if (h % height == 0 && w % width == 0) {
            return averagePool(x, (int) (h / height), (int) (w / width));
        }
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR_CODE, false);
    }

    private static boolean isOne(int... factors) {
        for (int f : factors) {
            if (f != 1) {
                return false;
            }
        }
        return true;
    }
}
