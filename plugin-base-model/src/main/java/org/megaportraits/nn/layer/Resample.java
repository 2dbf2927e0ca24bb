package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.nn.tensor.TorchOps;

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
     * Linear interpolation by a factor 1 or 2 per spatial axis, with the sample points of
     * PyTorch's {@code interpolate(..., align_corners=False)}: output 2i lies a quarter pixel
     * before input i, output 2i+1 a quarter after, edges clamped. One matrix product per doubled
     * axis through {@link TorchOps} (see there why not an interpolation kernel).
     */
    public static NDArray upsampleLinear(NDArray x, int... factors) {
        if (isOne(factors)) {
            return x;
        }
        return TorchOps.upsampleLinear(x, factors);
    }

    private static NDArray bilinear(NDArray x, long height, long width) {
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR_CODE, false);
    }

    /** Averages blocks of {@code factors} (one per spatial axis), as average pooling with stride = size. */
    public static NDArray averagePool(NDArray x, int... factors) {
        if (isOne(factors)) {
            return x;
        }
        if (x.getDataType() == DataType.FLOAT16 && !x.getDevice().isGpu()) {
            // PyTorch's CPU pooling kernels have no fp16 version
            return MixedPrecision.cast(averagePool(MixedPrecision.cast(x, DataType.FLOAT32), factors), DataType.FLOAT16);
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
        DataType type = x.getDataType();
        if ((type == DataType.FLOAT16 || type == DataType.BFLOAT16) && !x.getDevice().isGpu()) {
            // as in upsampleLinear: no half-precision CPU interpolation
            return MixedPrecision.cast(bilinear(MixedPrecision.cast(x, DataType.FLOAT32), height, width), type);
        }
        return bilinear(x, height, width);
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
