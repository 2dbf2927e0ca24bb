package org.megaportraits.face.crop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.nn.tensor.TorchOps;

/**
 * Bilinear resampling of images through affine maps, on the images' device, with zeros outside the
 * image or, for {@link Border#REPLICATE}, the nearest edge pixel (crops that leave the frame then
 * continue its edge instead of turning black). Autograd reaches the images (not the maps). Several
 * maps may read the same image (all faces of one frame).
 *
 * <p>PyTorch's {@code grid_sampler_2d} does the work, reached through {@link TorchOps} (DJL has no
 * grid sampling). The version built from DJL's own operators, an indexed read of the four taps
 * ({@code take}, about 30 engine calls), stays as {@link #sampleByGather}, the reference the tests
 * hold the kernel to.
 */
public final class AffineSampler {

    private AffineSampler() {
    }

    /** What reads outside the image give. */
    public enum Border {
        /** Zero. */
        ZERO,
        /** The nearest pixel of the image's edge. */
        REPLICATE
    }

    /**
     * Samples one output per map: output pixel centre (u, v) of map k reads image {@code source[k]}
     * at {@code (a[0] u + a[1] v + a[2], a[3] u + a[4] v + a[5])}, both in continuous coordinates.
     *
     * @param images     N x C x H x W
     * @param outToInput K maps of 6 numbers, output coordinates to input coordinates
     * @param source     for each map the image it reads, or null for map k reading image k
     * @return K x C x outHeight x outWidth in the images' data type, on the images' manager
     */
    public static NDArray sample(NDArray images, List<double[]> outToInput, int[] source, int outHeight, int outWidth) {
        return sample(images, outToInput, source, outHeight, outWidth, Border.ZERO);
    }

    /** As {@link #sample(NDArray, List, int[], int, int)} with a choice of what reads outside the image give. */
    public static NDArray sample(NDArray images, List<double[]> outToInput, int[] source, int outHeight, int outWidth,
                                 Border border) {
        int n = (int) images.getShape().get(0);
        int k = outToInput.size();
        if (source == null && k != n) {
            throw new IllegalArgumentException(k + " maps for " + n + " images");
        }
        // maps and sources in one upload: every copy from the host waits for the device's queue
        float[] packed = new float[k * 7];
        for (int i = 0; i < k; i++) {
            double[] a = outToInput.get(i);
            for (int j = 0; j < 6; j++) {
                packed[i * 7 + j] = (float) a[j];
            }
            int src = source == null ? i : source[i];
            if (src < 0 || src >= n) {
                throw new IllegalArgumentException("map " + i + " reads image " + src + " of " + n);
            }
            packed[i * 7 + 6] = src;
        }
        NDManager m = images.getManager();
        try (NDManager scratch = m.newSubManager(images.getDevice())) {
            NDArray all = scratch.create(packed, new Shape(k, 7));
            // map k reading image k needs no copy of the images in the chosen order
            NDArray out = TorchOps.affineSample(images, all.get(":, 0:6"), source == null ? null : all.get(":, 6"),
                    outHeight, outWidth, border == Border.REPLICATE);
            out.attach(m);
            return out;
        }
    }

    /**
     * As {@link #sample(NDArray, List, int[], int, int, Border)} with the maps already on the
     * images' device: {@code maps} K x 6 (float), {@code source} K image indices (any number type),
     * or null when map k reads image k (then the images are not copied into the maps' order).
     * Nothing is copied from the host, so the call does not wait for the device.
     *
     * @return K x C x outHeight x outWidth in the images' data type, on the images' manager
     */
    public static NDArray sample(NDArray images, NDArray maps, NDArray source, int outHeight, int outWidth, Border border) {
        return TorchOps.affineSample(images, maps, source, outHeight, outWidth, border == Border.REPLICATE);
    }

    /** {@link #sample(NDArray, NDArray, NDArray, int, int, Border)} built from DJL's operators (the reference; needs {@code source}). */
    static NDArray sampleByGather(NDArray images, NDArray maps, NDArray source, int outHeight, int outWidth,
                                  Border border) {
        Shape s = images.getShape();
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int k = (int) maps.getShape().get(0);
        NDManager m = images.getManager();
        long p = (long) outHeight * outWidth;
        try (NDManager scratch = m.newSubManager(images.getDevice())) {
            // lent to scratch for the call, so everything derived from them is freed with it
            maps.tempAttach(scratch);
            source.tempAttach(scratch);
            NDArray a = maps.toType(DataType.FLOAT32, false);
            NDArray u = Scalars.add(scratch.arange(0f, outWidth, 1f), 0.5f).reshape(1, 1, outWidth);
            NDArray v = Scalars.add(scratch.arange(0f, outHeight, 1f), 0.5f).reshape(1, outHeight, 1);
            // index space: continuous coordinate minus half a pixel
            NDArray x = Scalars.sub(col(a, 0).mul(u).add(col(a, 1).mul(v)).add(col(a, 2)), 0.5f);
            NDArray y = Scalars.sub(col(a, 3).mul(u).add(col(a, 4).mul(v)).add(col(a, 5)), 0.5f);
            // the four bilinear taps as one extra axis, so that the whole read is a handful of ops:
            // tap t has dx = t mod 2, dy = t div 2 (made on the device, not copied from the host)
            NDArray taps4 = scratch.arange(0f, 4f, 1f).reshape(1, 4, 1, 1);
            NDArray dy = Scalars.div(taps4, 2f).floor();
            NDArray dx = taps4.sub(Scalars.mul(dy, 2));
            NDArray x0 = x.floor().expandDims(1);
            NDArray y0 = y.floor().expandDims(1);
            NDArray fx = x.expandDims(1).sub(x0);
            NDArray fy = y.expandDims(1).sub(y0);
            NDArray xi = x0.add(dx);
            NDArray yi = y0.add(dy);
            // weight of tap (dx, dy): (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy); for a zero border, zero outside
            // the image (a replicated border reads the clipped index below, the nearest edge pixel)
            NDArray wx = fx.mul(dx).add(Scalars.rsub(1f, fx).mul(Scalars.rsub(1f, dx)));
            NDArray wy = fy.mul(dy).add(Scalars.rsub(1f, fy).mul(Scalars.rsub(1f, dy)));
            NDArray weight = wx.mul(wy);
            if (border == Border.ZERO) {
                NDArray insideX = Scalars.gte(xi, 0f).logicalAnd(Scalars.lte(xi, w - 1f));
                NDArray insideY = Scalars.gte(yi, 0f).logicalAnd(Scalars.lte(yi, h - 1f));
                weight = weight.mul(insideX.logicalAnd(insideY).toType(DataType.FLOAT32, false));
            }
            weight = weight.reshape(k, 4, 1, p);
            NDArray row = Scalars.clip(yi, 0f, h - 1f);
            NDArray column = Scalars.clip(xi, 0f, w - 1f);
            NDArray pixel = Scalars.mul(row, w).add(column).toType(DataType.INT64, false).reshape(k, 4, 1, p);
            // flat offsets of each map's image and of each channel in it, in INT64 (an int number keeps
            // an INT64 array INT64); one image's size is an int up to 2^31 values (8 GiB of floats)
            NDArray imageStart = Scalars.mul(source.toType(DataType.INT64, false), Math.toIntExact((long) c * h * w));
            NDArray channelStart = Scalars.mul(scratch.arange(0, c, 1, DataType.INT64), Math.toIntExact((long) h * w));
            NDArray base = imageStart.reshape(k, 1, 1, 1).add(channelStart.reshape(1, 1, c, 1));
            // one flat (contiguous) copy to read from: take() on a strided tensor would copy it anyway
            NDArray flat = images.reshape(-1);
            flat.attach(scratch);
            NDArray taps = flat.take(scratch, pixel.add(base));
            NDArray out = taps.mul(weight.toType(images.getDataType(), false)).sum(new int[] {1}).reshape(k, c, outHeight, outWidth);
            out.attach(m);
            return out;
        }
    }

    /**
     * One crop of one image (1 x C x H x W) that is first shrunk by whole factors with area
     * averaging wherever the map shrinks by two or more, so a large frame cut into a small crop
     * does not alias (bilinear taps alone would skip pixels).
     */
    public static NDArray resample(NDArray image, double[] outToInput, int outHeight, int outWidth) {
        return resample(image, outToInput, outHeight, outWidth, Border.ZERO);
    }

    /** As {@link #resample(NDArray, double[], int, int)} with a choice of what reads outside the image give. */
    public static NDArray resample(NDArray image, double[] outToInput, int outHeight, int outWidth, Border border) {
        double shrink = Math.min(Math.hypot(outToInput[0], outToInput[3]), Math.hypot(outToInput[1], outToInput[4]));
        int f = (int) Math.floor(shrink);
        if (f < 2) {
            return sample(image, List.of(outToInput), null, outHeight, outWidth, border);
        }
        NDManager owner = image.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            image.tempAttach(scratch);
            NDArray pooled = ai.djl.nn.pooling.Pool.avgPool2d(image, new Shape(f, f), new Shape(f, f), new Shape(0, 0), true, false);
            double[] a = outToInput;
            NDArray out = sample(pooled, List.of(new double[] {a[0] / f, a[1] / f, a[2] / f, a[3] / f, a[4] / f, a[5] / f}),
                    null, outHeight, outWidth, border);
            out.attach(owner);
            return out;
        }
    }

    /** Map k reads image k. */
    public static NDArray sample(NDArray images, List<double[]> outToInput, int outHeight, int outWidth) {
        return sample(images, outToInput, null, outHeight, outWidth);
    }

    /** Column j of the K x 6 maps as K x 1 x 1, for broadcasting over an output grid. */
    private static NDArray col(NDArray maps, int j) {
        return maps.get(":, " + j).reshape(-1, 1, 1);
    }

    /** Inverse of an affine map given as 6 numbers. */
    public static double[] invert(double[] a) {
        double det = a[0] * a[4] - a[1] * a[3];
        if (Math.abs(det) < 1e-12) {
            throw new IllegalArgumentException("affine map is singular");
        }
        double i0 = a[4] / det;
        double i1 = -a[1] / det;
        double i3 = -a[3] / det;
        double i4 = a[0] / det;
        return new double[] {i0, i1, -(i0 * a[2] + i1 * a[5]), i3, i4, -(i3 * a[2] + i4 * a[5])};
    }
}
