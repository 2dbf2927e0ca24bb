package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.face.HeadPose;

class AugmentationTest {

    private static Planar ramp(int size) {
        Planar p = Planar.zeros(3, size, size);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    p.data()[(c * size + y) * size + x] = (x + 2 * y + c) / (4f * size);
                }
            }
        }
        return p;
    }

    @Test
    void thinPlateSplinePassesThroughItsControlPointsAndIsAffineWhenTheyMoveRigidly() {
        double[][] from = {{0, 0}, {10, 0}, {0, 10}, {10, 10}, {5, 5}};
        double[][] to = {{1, 2}, {12, 0}, {3, 9}, {11, 11}, {6, 4}};
        ThinPlateSpline tps = new ThinPlateSpline(from, to, 10, 10);
        double[] out = new double[2];
        for (int i = 0; i < from.length; i++) {
            tps.source(from[i][0], from[i][1], out);
            assertEquals(to[i][0], out[0], 1e-9);
            assertEquals(to[i][1], out[1], 1e-9);
        }
        // all points shifted by (2, -1): the spline is that shift everywhere
        double[][] shifted = new double[from.length][];
        for (int i = 0; i < from.length; i++) {
            shifted[i] = new double[] {from[i][0] + 2, from[i][1] - 1};
        }
        new ThinPlateSpline(from, shifted, 10, 10).source(3.3, 7.7, out);
        assertEquals(5.3, out[0], 1e-9);
        assertEquals(6.7, out[1], 1e-9);
    }

    @Test
    void flippingTwiceRestoresImagePoseAndLandmarks() {
        double[] lm = new double[136];
        for (int i = 0; i < 136; i++) {
            lm[i] = i * 0.37;
        }
        HeadPose pose = new HeadPose(0.3, -0.1, 0.2, 0.05, -0.02, 0.01, 1.1);
        CroppedFrame f = new CroppedFrame(ramp(8), Planar.filled(1, 8, 8, 1f), pose, lm);
        CroppedFrame once = f.flipped();
        assertEquals(-0.3, once.pose().yaw(), 0);
        assertEquals(-0.2, once.pose().roll(), 0);
        assertEquals(-0.05, once.pose().tx(), 0);
        assertEquals(-0.1, once.pose().pitch(), 0);
        // the left eye's outer corner (36) becomes the mirror of the right eye's outer corner (45)
        assertEquals(8 - lm[2 * 45], once.landmarks()[2 * 36], 1e-12);
        CroppedFrame twice = once.flipped();
        assertArrayEquals(f.image().data(), twice.image().data());
        assertArrayEquals(lm, twice.landmarks(), 1e-12);
        assertEquals(pose, twice.pose());
    }

    @Test
    void stillViewWithoutMotionIsTheFrameAndLandmarksFollowTheImage() {
        AugmentationSettings still = new AugmentationSettings(0, ColourJitter.MILD, "shared", 0.8, 16, "none", 2, 0,
                ColourJitter.MILD, 0, 0, 0, 0);
        Planar img = ramp(16);
        CroppedFrame f = new CroppedFrame(img, Planar.filled(1, 16, 16, 1f), HeadPose.FRONTAL, null);
        CroppedFrame v = new Augmenter(still).stillView(f, new Random(1));
        assertArrayEquals(img.data(), v.image().data(), 1e-6f);

        // a pure shift of a bright dot: the dot and its landmark move together
        AugmentationSettings shift = new AugmentationSettings(0, ColourJitter.MILD, "shared", 0.8, 16, "none", 2, 0,
                ColourJitter.MILD, 0, 20, 0.2, 0.1);
        Planar dot = Planar.zeros(3, 32, 32);
        for (int c = 0; c < 3; c++) {
            dot.data()[(c * 32 + 12) * 32 + 9] = 1f;
        }
        double[] lm = new double[136];
        for (int i = 0; i < 68; i++) {
            lm[2 * i] = 9.5;
            lm[2 * i + 1] = 12.5;
        }
        CroppedFrame moved = new Augmenter(shift).stillView(new CroppedFrame(dot, Planar.filled(1, 32, 32, 1f),
                HeadPose.FRONTAL, lm), new Random(7));
        int bx = -1;
        int by = -1;
        float best = -1;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if (moved.image().get(0, y, x) > best) {
                    best = moved.image().get(0, y, x);
                    bx = x;
                    by = y;
                }
            }
        }
        assertEquals(bx + 0.5, moved.landmarks()[0], 1.0);
        assertEquals(by + 0.5, moved.landmarks()[1], 1.0);
        assertNotEquals(1.0, moved.pose().scale());
    }

    @Test
    void expressionCopyHasTheEncoderSizeAndDiffersFromAPlainResize() {
        Augmenter a = new Augmenter(AugmentationSettings.DEFAULT);
        Planar driver = ramp(64);
        Planar e = a.expression(driver, new Random(3));
        assertEquals(128, e.width());
        assertEquals(128, e.height());
        Planar plain = driver.cropResize(6.4, 6.4, 51.2, 128);
        double diff = 0;
        for (int i = 0; i < e.data().length; i++) {
            diff += Math.abs(e.data()[i] - plain.data()[i]);
        }
        assertTrue(diff / e.data().length > 0.01, "the copy must be warped and jittered");
    }

    @Test
    void jitterKeepsValuesInRangeAndGreyHasEqualChannels() {
        Planar x = new ColourJitter(0.8, 0.8, 0.8, 0.3).apply(ramp(16), new Random(5));
        for (float v : x.data()) {
            assertTrue(v >= 0 && v <= 1);
        }
        Planar g = ColourJitter.greyscale(x);
        assertEquals(g.get(0, 3, 4), g.get(2, 3, 4), 0);
    }
}
