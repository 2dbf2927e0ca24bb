package org.megaportraits.face.crop;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The aligned face chip the face recognition net was trained on: a square whose side is the mean
 * eye-to-mouth distance over 0.45, with the centroid of (left eye, right eye, mouth) at 50 % across
 * and 43 % down (face-api's alignment), turned so that the eyes are level.
 */
public final class FaceChips {

    /** Side of a chip in pixels. */
    public static final int SIZE = 150;

    private static final double REL_X = 0.5;
    private static final double REL_Y = 0.43;
    private static final double REL_SCALE = 0.45;

    private FaceChips() {
    }

    /**
     * The map from chip coordinates (side {@code size}) to image coordinates, from 68 landmarks
     * in image coordinates ({@code x0, y0, x1, y1, ...}).
     */
    public static double[] chipToImage(double[] landmarks, int size) {
        double[] le = mean(landmarks, 36, 42);
        double[] re = mean(landmarks, 42, 48);
        double[] mouth = mean(landmarks, 48, 68);
        double side = (Math.hypot(mouth[0] - le[0], mouth[1] - le[1]) + Math.hypot(mouth[0] - re[0], mouth[1] - re[1]))
                / 2 / REL_SCALE;
        double cx = (le[0] + re[0] + mouth[0]) / 3;
        double cy = (le[1] + re[1] + mouth[1]) / 3;
        double angle = Math.atan2(re[1] - le[1], re[0] - le[0]);
        double k = side / size;
        double cos = Math.cos(angle) * k;
        double sin = Math.sin(angle) * k;
        // chip point (u, v) -> centre + R * (u - REL_X * size, v - REL_Y * size) * k
        double u0 = REL_X * size;
        double v0 = REL_Y * size;
        return new double[] {cos, -sin, cx - cos * u0 + sin * v0, sin, cos, cy - sin * u0 - cos * v0};
    }

    /**
     * Cuts 150 x 150 chips, one per image, from N x 3 x H x W images in [0, 1] given each image's
     * 68 landmarks (in that image's coordinates). Differentiable in the images.
     */
    public static NDArray cut(NDArray images, List<double[]> landmarks) {
        List<double[]> maps = new ArrayList<>(landmarks.size());
        for (double[] l : landmarks) {
            maps.add(chipToImage(l, SIZE));
        }
        return AffineSampler.sample(images, maps, SIZE, SIZE);
    }

    private static double[] mean(double[] landmarks, int from, int to) {
        double x = 0;
        double y = 0;
        for (int i = from; i < to; i++) {
            x += landmarks[2 * i];
            y += landmarks[2 * i + 1];
        }
        return new double[] {x / (to - from), y / (to - from)};
    }
}
