package org.megaportraits.sdk.image;

import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.InvalidInputException;

/**
 * One host-side 8-bit RGB image, rows top to bottom, pixels interleaved {@code R,G,B}, no row
 * padding: what video decoding produces and encoding takes. The array is shared, not copied.
 */
@Api(Api.Status.STABLE)
public record RgbImage(int width, int height, byte[] rgb) {

    /** Checks that the array holds exactly {@code width * height * 3} bytes. */
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new InvalidInputException("image size " + width + "x" + height + " is empty", "give an image with pixels");
        }
        if (rgb == null || rgb.length != width * height * 3) {
            throw new InvalidInputException("image of " + width + "x" + height + " needs " + (width * height * 3)
                    + " bytes, got " + (rgb == null ? 0 : rgb.length), "pass interleaved RGB without row padding");
        }
    }

    /** A black image. */
    public static RgbImage black(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
