package org.megaportraits.training.data;

import org.megaportraits.sdk.image.RgbImage;

/**
 * A host image as planar floats in [0, 1], channels first ({@code C x H x W}, C = 3 for RGB,
 * 1 for a matte): the form augmentations work in and batches are uploaded from.
 */
public record Planar(int channels, int height, int width, float[] data) {

    /** Checks the size of the array. */
    public Planar {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("planar image of " + channels + "x" + height + "x" + width
                    + " needs " + channels * height * width + " floats, got " + data.length);
        }
    }

    /** A blank image. */
    public static Planar zeros(int channels, int height, int width) {
        return new Planar(channels, height, width, new float[channels * height * width]);
    }

    /** An image filled with one value. */
    public static Planar filled(int channels, int height, int width, float value) {
        Planar p = zeros(channels, height, width);
        java.util.Arrays.fill(p.data, value);
        return p;
    }

    /** From 8-bit interleaved RGB. */
    public static Planar of(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        float[] out = new float[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            out[i] = (rgb[3 * i] & 0xff) / 255f;
            out[plane + i] = (rgb[3 * i + 1] & 0xff) / 255f;
            out[2 * plane + i] = (rgb[3 * i + 2] & 0xff) / 255f;
        }
        return new Planar(3, h, w, out);
    }

    /** The grey channel of an 8-bit image (its red channel: mattes come as grey RGB). */
    public static Planar matteOf(RgbImage image) {
        int plane = image.width() * image.height();
        float[] out = new float[plane];
        byte[] rgb = image.rgb();
        for (int i = 0; i < plane; i++) {
            out[i] = (rgb[3 * i] & 0xff) / 255f;
        }
        return new Planar(1, image.height(), image.width(), out);
    }

    /** To 8-bit interleaved RGB (a one-channel image becomes grey), rounding and clamping. */
    public RgbImage toRgb() {
        int plane = height * width;
        byte[] rgb = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = data[(channels == 1 ? 0 : c) * plane + i];
                rgb[3 * i + c] = (byte) Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Value of channel c at pixel (x, y). */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /**
     * Bilinear sample of channel c at continuous pixel coordinates (pixel centres at integers);
     * outside the image the nearest edge pixel is used.
     */
    public float sample(int c, double x, double y) {
        double cx = Math.max(0, Math.min(width - 1, x));
        double cy = Math.max(0, Math.min(height - 1, y));
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float fx = (float) (cx - x0);
        float fy = (float) (cy - y0);
        int base = c * height * width;
        float top = data[base + y0 * width + x0] * (1 - fx) + data[base + y0 * width + x1] * fx;
        float bottom = data[base + y1 * width + x0] * (1 - fx) + data[base + y1 * width + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /**
     * An image of the given size whose pixel (x, y) takes this image's value at
     * {@code map(x, y)}, sampled bilinearly. The map returns source pixel coordinates.
     */
    public Planar remap(int outHeight, int outWidth, CoordinateMap map) {
        float[] out = new float[channels * outHeight * outWidth];
        double[] src = new double[2];
        int plane = outHeight * outWidth;
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                map.source(x, y, src);
                for (int c = 0; c < channels; c++) {
                    out[c * plane + y * outWidth + x] = sample(c, src[0], src[1]);
                }
            }
        }
        return new Planar(channels, outHeight, outWidth, out);
    }

    /**
     * Resizes to {@code size x size} from a square box (left, top, side in this image's pixels),
     * averaging over the source footprint when shrinking so that fine detail does not alias.
     */
    public Planar cropResize(double left, double top, double side, int size) {
        double scale = side / size;
        int taps = Math.max(1, (int) Math.ceil(scale));
        return remapAveraged(size, size, taps, (x, y, out) -> {
            out[0] = left + (x + 0.5) * scale - 0.5;
            out[1] = top + (y + 0.5) * scale - 0.5;
        }, scale);
    }

    private Planar remapAveraged(int outHeight, int outWidth, int taps, CoordinateMap map, double scale) {
        if (taps == 1) {
            return remap(outHeight, outWidth, map);
        }
        float[] out = new float[channels * outHeight * outWidth];
        double[] src = new double[2];
        int plane = outHeight * outWidth;
        double step = scale / taps;
        float norm = 1f / (taps * taps);
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                map.source(x, y, src);
                for (int c = 0; c < channels; c++) {
                    float acc = 0;
                    for (int j = 0; j < taps; j++) {
                        for (int i = 0; i < taps; i++) {
                            acc += sample(c, src[0] + (i + 0.5) * step - scale / 2, src[1] + (j + 0.5) * step - scale / 2);
                        }
                    }
                    out[c * plane + y * outWidth + x] = acc * norm;
                }
            }
        }
        return new Planar(channels, outHeight, outWidth, out);
    }

    /** A copy mirrored left to right. */
    public Planar flipped() {
        float[] out = new float[data.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int row = (c * height + y) * width;
                for (int x = 0; x < width; x++) {
                    out[row + x] = data[row + width - 1 - x];
                }
            }
        }
        return new Planar(channels, height, width, out);
    }

    /** Maps output pixel coordinates to source pixel coordinates. */
    @FunctionalInterface
    public interface CoordinateMap {

        /** Writes the source (x, y) of output pixel (x, y) into {@code out}. */
        void source(double x, double y, double[] out);
    }
}
