package org.megaportraits.sdk.face;

import org.megaportraits.sdk.Api;

/**
 * How an aligned square crop was cut from its frame: the 2 x 3 affine map from crop pixels to frame
 * pixels ({@code xf = a00*xc + a01*yc + a02}, {@code yf = a10*xc + a11*yc + a12}), the crop's side
 * and the frame's size. Kept so that a generated crop can be pasted back. Coordinates are
 * continuous: pixel (i, j) spans [i, i + 1) x [j, j + 1), so crop pixel centres are at i + 0.5.
 */
@Api(Api.Status.STABLE)
public record CropTransform(double a00, double a01, double a02, double a10, double a11, double a12,
                            int cropSize, int frameWidth, int frameHeight) {

    /** Frame x of crop pixel (xc, yc). */
    public double frameX(double xc, double yc) {
        return a00 * xc + a01 * yc + a02;
    }

    /** Frame y of crop pixel (xc, yc). */
    public double frameY(double xc, double yc) {
        return a10 * xc + a11 * yc + a12;
    }

    /**
     * Frame points {@code x0, y0, x1, y1, ...} (face landmarks, say) in this crop's pixels.
     *
     * @since 1.1
     */
    @Api(value = Api.Status.EXPERIMENTAL, since = "0.1")
    public double[] toCrop(double[] framePoints) {
        double det = a00 * a11 - a01 * a10;
        double[] out = new double[framePoints.length];
        for (int i = 0; i + 1 < framePoints.length; i += 2) {
            double x = framePoints[i] - a02;
            double y = framePoints[i + 1] - a12;
            out[i] = (a11 * x - a01 * y) / det;
            out[i + 1] = (-a10 * x + a00 * y) / det;
        }
        return out;
    }

    /** The same frame region for a crop of another side (the 1024 px enhancer output, say). */
    public CropTransform forCropSize(int size) {
        double k = (double) cropSize / size;
        return new CropTransform(a00 * k, a01 * k, a02, a10 * k, a11 * k, a12, size, frameWidth, frameHeight);
    }
}
