package org.megaportraits.sdk.face;

import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.InvalidInputException;

/**
 * One face found in a frame: its box, the 68 landmarks of the iBUG scheme in frame pixels as
 * {@code x0, y0, x1, y1, ...} (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67;
 * continuous coordinates, pixel (i, j) spans [i, i + 1) x [j, j + 1)), and the head pose fitted to
 * them, relative to the face's own aligned crop (so its translation is 0 and its scale 1).
 */
@Api(Api.Status.STABLE)
public record Face(FaceBox box, double[] landmarks, HeadPose pose) {

    /** Number of landmarks. */
    public static final int LANDMARKS = 68;

    /** Checks there are 68 landmark pairs. */
    public Face {
        if (landmarks == null || landmarks.length != 2 * LANDMARKS) {
            throw new InvalidInputException("a face needs 68 landmarks (136 numbers), got "
                    + (landmarks == null ? 0 : landmarks.length), "use the face analyzer's output");
        }
    }

    /** x of landmark i. */
    public double x(int i) {
        return landmarks[2 * i];
    }

    /** y of landmark i. */
    public double y(int i) {
        return landmarks[2 * i + 1];
    }
}
