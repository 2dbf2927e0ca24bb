package org.megaportraits.training.data;

/** Operations on 68-point landmark arrays ({@code x0, y0, x1, y1, ...}) that augmentations need. */
final class Landmarks {

    /**
     * iBUG 68 index of each point's mirror image: jaw reversed, brows swapped, nose bridge kept,
     * nostrils reversed, eyes swapped, lips mirrored.
     */
    private static final int[] MIRROR = mirrorTable();

    private Landmarks() {
    }

    private static int[] mirrorTable() {
        int[] m = new int[68];
        for (int i = 0; i <= 16; i++) {
            m[i] = 16 - i;
        }
        for (int i = 17; i <= 26; i++) {
            m[i] = 43 - i;
        }
        for (int i = 27; i <= 30; i++) {
            m[i] = i;
        }
        for (int i = 31; i <= 35; i++) {
            m[i] = 66 - i;
        }
        int[][] eyes = {{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}};
        for (int[] e : eyes) {
            m[e[0]] = e[1];
            m[e[1]] = e[0];
        }
        int[][] lips = {{48, 54}, {49, 53}, {50, 52}, {51, 51}, {55, 59}, {56, 58}, {57, 57},
            {60, 64}, {61, 63}, {62, 62}, {65, 67}, {66, 66}};
        for (int[] l : lips) {
            m[l[0]] = l[1];
            m[l[1]] = l[0];
        }
        return m;
    }

    /** Landmarks of the image mirrored about its vertical centre line, re-indexed so that left stays left. */
    static double[] flipped(double[] landmarks, int width) {
        if (landmarks == null) {
            return null;
        }
        double[] out = new double[landmarks.length];
        for (int i = 0; i < 68; i++) {
            int j = MIRROR[i];
            out[2 * i] = width - landmarks[2 * j];
            out[2 * i + 1] = landmarks[2 * j + 1];
        }
        return out;
    }

    /** Landmarks moved by the affine map {@code x' = a0 x + a1 y + a2, y' = a3 x + a4 y + a5}. */
    static double[] mapped(double[] landmarks, double[] affine) {
        if (landmarks == null) {
            return null;
        }
        double[] out = new double[landmarks.length];
        for (int i = 0; i < landmarks.length; i += 2) {
            double x = landmarks[i];
            double y = landmarks[i + 1];
            out[i] = affine[0] * x + affine[1] * y + affine[2];
            out[i + 1] = affine[3] * x + affine[4] * y + affine[5];
        }
        return out;
    }
}
