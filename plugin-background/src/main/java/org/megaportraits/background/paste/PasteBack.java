package org.megaportraits.background.paste;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.megaportraits.face.crop.AffineSampler;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Puts a generated crop back where it was cut from. Only the frame region under the crop is
 * touched: it is uploaded, the crop is resampled into it through the inverse of the crop's
 * transform, and the two are blended with a weight that is 1 inside the crop and falls smoothly
 * to 0 over the outer {@value #FEATHER} of the crop's side, so no seam shows. Pixels outside the
 * crop keep their exact values; the frame keeps its size.
 */
public final class PasteBack {

    /** Width of the feathered border, as a fraction of the crop side. */
    public static final double FEATHER = 0.06;

    private PasteBack() {
    }

    /**
     * The frame with the crop pasted in.
     *
     * @param crop 1 x 3 x S x S in [0, 1], on any device (the work happens there)
     */
    public static RgbImage paste(NDArray crop, RgbImage frame, CropTransform t) {
        return pasteAll(crop, List.of(frame), List.of(t)).get(0);
    }

    /**
     * Each frame with its crop pasted in, all in one pass on the device: the region of the frames
     * that any crop covers is uploaded once for the batch, every crop is resampled into it, blended
     * with its weight inside its own frame region only, and copied back in one transfer. Frames of
     * different sizes are pasted one by one.
     *
     * @param crops N x 3 x S x S in [0, 1]; crop k goes into frame k through transform k
     */
    public static List<RgbImage> pasteAll(NDArray crops, List<RgbImage> frames, List<CropTransform> transforms) {
        int n = frames.size();
        int size = (int) crops.getShape().get(2);
        boolean sameSize = frames.stream().allMatch(f -> f.width() == frames.get(0).width() && f.height() == frames.get(0).height());
        if (!sameSize) {
            List<RgbImage> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(paste(crops.get(i).reshape(new Shape(1, 3, size, size)), frames.get(i), transforms.get(i)));
            }
            return out;
        }
        int width = frames.get(0).width();
        int height = frames.get(0).height();
        int x0 = width;
        int y0 = height;
        int x1 = 0;
        int y1 = 0;
        List<CropTransform> at = new ArrayList<>(n);
        float[] own = new float[4 * n];
        for (int i = 0; i < n; i++) {
            CropTransform t = transforms.get(i);
            CropTransform a = t.cropSize() == size ? t : t.forCropSize(size);
            at.add(a);
            int[] roi = region(a, width, height);
            for (int j = 0; j < 4; j++) {
                own[4 * i + j] = roi[j];
            }
            x0 = Math.min(x0, roi[0]);
            y0 = Math.min(y0, roi[1]);
            x1 = Math.max(x1, roi[2]);
            y1 = Math.max(y1, roi[3]);
        }
        int w = x1 - x0;
        int h = y1 - y0;
        if (w <= 0 || h <= 0) {
            return new ArrayList<>(frames);
        }
        int left = x0;
        int top = y0;
        // frame-sized copies on several cores: at 1080p a batch is hundreds of megabytes to move
        List<RgbImage> patches = IntStream.range(0, n).parallel().mapToObj(i -> {
            byte[] patch = new byte[w * h * 3];
            byte[] rgb = frames.get(i).rgb();
            for (int y = 0; y < h; y++) {
                System.arraycopy(rgb, ((top + y) * width + left) * 3, patch, y * w * 3, w * 3);
            }
            return new RgbImage(w, h, patch);
        }).toList();
        List<double[]> maps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CropTransform a = at.get(i);
            // region pixel (u, v) -> frame (x0 + u, y0 + v) -> crop coordinates
            double[] inv = AffineSampler.invert(new double[] {a.a00(), a.a01(), a.a02(), a.a10(), a.a11(), a.a12()});
            maps.add(new double[] {inv[0], inv[1], inv[0] * x0 + inv[1] * y0 + inv[2], inv[3], inv[4], inv[3] * x0 + inv[4] * y0 + inv[5]});
        }
        List<RgbImage> blended;
        try (NDManager scratch = crops.getManager().newSubManager()) {
            crops.tempAttach(scratch);
            NDArray regions = NDImageBatch.fromHost(patches, scratch);
            // maps and each frame's own rectangle in one upload (each copy from the host waits for
            // the device's queue); map i reads crop i, so no source indices (and no reordered copy)
            float[] packed = new float[n * 10];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 6; j++) {
                    packed[i * 10 + j] = (float) maps.get(i)[j];
                }
                System.arraycopy(own, 4 * i, packed, i * 10 + 6, 4);
            }
            NDArray all = scratch.create(packed, new Shape(n, 10));
            NDArray weight = feather(scratch, size).broadcast(new Shape(n, 1, size, size));
            NDArray withWeight = crops.toType(DataType.FLOAT32, false).concat(weight, 1);
            // where a frame's weight is 0 its pixels come back exactly as they went
            NDArray sampled = AffineSampler.sample(withWeight, all.get(":, 0:6"), null, h, w, AffineSampler.Border.ZERO);
            NDArray rgb = sampled.get(":, 0:3");
            // each frame is touched only where its own crop lies, as when pasted alone
            NDArray rect = all.get(":, 6:10").reshape(n, 4, 1, 1);
            NDArray u = Scalars.add(scratch.arange(0f, w, 1f), x0).reshape(1, 1, 1, w);
            NDArray v = Scalars.add(scratch.arange(0f, h, 1f), y0).reshape(1, 1, h, 1);
            NDArray inside = u.gte(rect.get(":, 0:1")).logicalAnd(u.lt(rect.get(":, 2:3")))
                    .logicalAnd(v.gte(rect.get(":, 1:2"))).logicalAnd(v.lt(rect.get(":, 3:4")));
            NDArray wt = sampled.get(":, 3:4").mul(inside.toType(DataType.FLOAT32, false));
            blended = NDImageBatch.toHost(rgb.mul(wt).add(regions.mul(Scalars.rsub(1f, wt))));
        }
        return IntStream.range(0, n).parallel().mapToObj(i -> {
            byte[] pixels = frames.get(i).rgb().clone();
            byte[] b = blended.get(i).rgb();
            for (int y = 0; y < h; y++) {
                System.arraycopy(b, y * w * 3, pixels, ((top + y) * width + left) * 3, w * 3);
            }
            return new RgbImage(width, height, pixels);
        }).toList();
    }

    /** The frame pixels the crop covers: [x0, y0, x1, y1), clipped to the frame. */
    static int[] region(CropTransform t, int width, int height) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        int s = t.cropSize();
        for (int[] c : new int[][] {{0, 0}, {s, 0}, {0, s}, {s, s}}) {
            double x = t.frameX(c[0], c[1]);
            double y = t.frameY(c[0], c[1]);
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
        }
        return new int[] {
            Math.max(0, (int) Math.floor(minX)), Math.max(0, (int) Math.floor(minY)),
            Math.min(width, (int) Math.ceil(maxX)), Math.min(height, (int) Math.ceil(maxY)),
        };
    }

    /** 1 x 1 x S x S blending weight: smoothstep from 0 at the crop's edge to 1 at {@link #FEATHER} inside (made on the manager's device). */
    static NDArray feather(NDManager manager, int size) {
        double band = Math.max(1, FEATHER * size);
        NDArray i = Scalars.add(manager.arange(0f, size, 1f), 0.5f);
        NDArray fromEdge = i.minimum(Scalars.rsub((float) size, i));
        NDArray c = Scalars.clip(Scalars.div(fromEdge, (float) band), 0f, 1f);
        NDArray r = c.square().mul(Scalars.add(Scalars.mul(c, -2), 3));
        return r.reshape(size, 1).mul(r.reshape(1, size)).reshape(new Shape(1, 1, size, size));
    }
}
