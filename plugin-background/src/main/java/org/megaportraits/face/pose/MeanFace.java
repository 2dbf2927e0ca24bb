package org.megaportraits.face.pose;

/**
 * A mean 3-D face for the 68 iBUG landmarks, made for this project (no dataset file was used).
 *
 * <p>The frontal (x, y) layout is the symmetric mean shape of the 22 faces in face-api's demo
 * photos as this bundle's landmark net finds them, each face also mirrored, aligned by
 * generalised Procrustes and made exactly left-right symmetric. Units are millimetres for an
 * adult with 90 mm between the outer eye corners; y grows downwards, the eye line is y = 0.
 *
 * <p>Depths are anthropometric estimates, in millimetres in front of the plane of the outer eye
 * corners: inner eye corners 8, nasion 16, nose tip 33, subnasale 25, upper lip 23, mouth
 * corners 10, chin 12, brows 2 (outer) to 15 (inner), and the jaw contour falling back to 40
 * behind at the temples (it follows the cheek's curve; under yaw it is a silhouette, which is
 * why the fit weights it down).
 *
 * <p>Model coordinates put the origin at an estimated head centre, 70 mm behind the eye corners
 * and 20 mm below the eye line, with x to the image's right, y down and z away from the camera
 * (the camera convention of OpenCV), so the face itself has negative z.
 */
public final class MeanFace {

    /** Depth of the head centre behind the outer eye corners, mm. */
    private static final double CENTRE_DEPTH = 70;
    /** Height of the head centre below the eye line, mm. */
    private static final double CENTRE_DROP = 20;

    private static final double[] FRONTAL = {
        -75.5, -0.9, -74.6, 18.9, -70.6, 37.4, -66.1, 54.1, -58.4, 72.0, -47.9, 86.9,
        -36.1, 97.5, -21.6, 109.0, 0.0, 115.5, 21.6, 109.0, 36.1, 97.5, 47.9, 86.9,
        58.4, 72.0, 66.1, 54.1, 70.6, 37.4, 74.6, 18.9, 75.5, -0.9, -59.6, -19.0,
        -50.7, -25.8, -39.2, -26.9, -28.2, -24.7, -18.7, -21.0, 18.7, -21.0, 28.2, -24.7,
        39.2, -26.9, 50.7, -25.8, 59.6, -19.0, 0.0, 3.6, 0.0, 18.4, 0.0, 31.5,
        0.0, 43.8, -12.5, 49.8, -7.1, 52.0, 0.0, 54.0, 7.1, 52.0, 12.5, 49.8,
        -45.0, -1.1, -38.4, -4.0, -28.6, -4.0, -19.6, 1.2, -27.6, 4.0, -37.9, 3.8,
        19.6, 1.2, 28.6, -4.0, 38.4, -4.0, 45.0, -1.1, 37.9, 3.8, 27.6, 4.0,
        -27.7, 71.4, -18.1, 68.5, -6.1, 65.8, 0.0, 67.0, 6.1, 65.8, 18.1, 68.5,
        27.7, 71.4, 18.1, 82.2, 8.9, 87.5, 0.0, 89.1, -8.9, 87.5, -18.1, 82.2,
        -25.5, 71.8, -8.5, 71.9, 0.0, 72.2, 8.5, 71.9, 25.5, 71.8, 8.2, 78.3,
        0.0, 79.5, -8.2, 78.3,
    };

    /** Millimetres in front of the outer eye corners, landmark by landmark. */
    private static final double[] FORWARD = {
        // jaw 0-16, temple to temple
        -40, -38, -34, -28, -20, -10, 0, 8, 12, 8, 0, -10, -20, -28, -34, -38, -40,
        // brows 17-21, 22-26
        2, 8, 12, 14, 15, 15, 14, 12, 8, 2,
        // nose bridge 27-30, nostrils 31-35
        16, 21, 27, 33, 18, 22, 25, 22, 18,
        // right eye 36-41 (image left), left eye 42-47
        0, 5, 7, 8, 7, 5, 8, 7, 5, 0, 5, 7,
        // outer lips 48-59
        10, 17, 21, 23, 21, 17, 10, 16, 20, 21, 20, 16,
        // inner lips 60-67
        12, 19, 21, 19, 12, 18, 19, 18,
    };

    private static final double[] POINTS = new double[68 * 3];

    static {
        for (int i = 0; i < 68; i++) {
            POINTS[3 * i] = FRONTAL[2 * i];
            POINTS[3 * i + 1] = FRONTAL[2 * i + 1] - CENTRE_DROP;
            POINTS[3 * i + 2] = -CENTRE_DEPTH - FORWARD[i];
        }
    }

    private MeanFace() {
    }

    /** x, y, z of landmark i in model coordinates (mm, origin at the head centre). */
    public static double[] point(int i) {
        return new double[] {POINTS[3 * i], POINTS[3 * i + 1], POINTS[3 * i + 2]};
    }

    /** All 68 points as x0, y0, z0, x1, ... (a copy). */
    public static double[] points() {
        return POINTS.clone();
    }

    /** Distance between the outer eye corners, mm: the model's unit of face size. */
    public static double eyeCornerDistance() {
        return FRONTAL[2 * 45] - FRONTAL[2 * 36];
    }
}
