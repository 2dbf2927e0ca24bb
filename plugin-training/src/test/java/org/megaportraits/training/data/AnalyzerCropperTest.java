package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.HeadPose;

class AnalyzerCropperTest {

    /** Where the head pose puts a canonical point, in normalised crop coordinates (x, y, z). */
    private static double[] place(HeadPose p, double[] point) {
        double[] r = p.rotation();
        double[] out = new double[3];
        double[] t = {p.tx(), p.ty(), p.tz()};
        for (int i = 0; i < 3; i++) {
            out[i] = p.scale() * (r[3 * i] * point[0] + r[3 * i + 1] * point[1] + r[3 * i + 2] * point[2]) + t[i];
        }
        return out;
    }

    @Test
    void aPoseCarriedIntoTheFramingCropPlacesTheHeadWhereTheAlignedCropDid() {
        int alignedSize = 64;
        int size = 128;
        // the aligned crop: rotated 25 degrees, 80 frame pixels wide, centred at (300, 220) of a 640 x 480 frame
        double phi = Math.toRadians(25);
        double k = 80.0 / alignedSize;
        double a00 = k * Math.cos(phi);
        double a01 = -k * Math.sin(phi);
        double a10 = k * Math.sin(phi);
        double a11 = k * Math.cos(phi);
        double half = alignedSize / 2.0;
        CropTransform aligned = new CropTransform(a00, a01, 300 - a00 * half - a01 * half,
                a10, a11, 220 - a10 * half - a11 * half, alignedSize, 640, 480);
        // the framing crop: the centred 480 x 480 square of the frame at 128 px
        double s = size / 480.0;
        double[] frameToCrop = {s, 0, -80 * s, 0, s, 0};
        HeadPose pose = new HeadPose(0.3, -0.2, 0.1, 0.05, -0.03, 0, 1.1);
        HeadPose carried = AnalyzerCropper.poseInCrop(pose, aligned, frameToCrop, size);

        double[][] points = {{0, 0, 0}, {0.4, -0.2, 0.3}, {-0.5, 0.6, -0.1}};
        for (double[] p : points) {
            double[] inAligned = place(pose, p);
            // aligned normalised -> aligned pixels -> frame pixels -> framing pixels -> normalised
            double ax = (inAligned[0] + 1) * half;
            double ay = (inAligned[1] + 1) * half;
            double fx = aligned.a00() * ax + aligned.a01() * ay + aligned.a02();
            double fy = aligned.a10() * ax + aligned.a11() * ay + aligned.a12();
            double cx = 2 * (frameToCrop[0] * fx + frameToCrop[2]) / size - 1;
            double cy = 2 * (frameToCrop[4] * fy + frameToCrop[5]) / size - 1;
            double[] direct = place(carried, p);
            assertEquals(cx, direct[0], 1e-9);
            assertEquals(cy, direct[1], 1e-9);
        }
        assertEquals(pose.roll() + phi, carried.roll(), 1e-12);
        assertEquals(pose.scale() * 80 * s / size, carried.scale(), 1e-12);
        // the aligned crop's centre, (300, 220) in the frame, is (220, 220) in the square: right of centre
        assertEquals(2 * 220 * s / size - 1 + 0, carried.tx() - (carried.scale() / pose.scale())
                * (Math.cos(phi) * pose.tx() - Math.sin(phi) * pose.ty()), 1e-9);
    }

    @Test
    void cropPointsOfFramePointsMapBackToTheFramePoints() {
        double phi = Math.toRadians(-12);
        CropTransform t = new CropTransform(1.3 * Math.cos(phi), -1.3 * Math.sin(phi), 210, 1.3 * Math.sin(phi),
                1.3 * Math.cos(phi), 95, 256, 640, 480);
        double[] frame = {250.5, 130.25, 300, 200, 212, 96};
        double[] crop = t.toCrop(frame);
        for (int i = 0; i < frame.length; i += 2) {
            assertEquals(frame[i], t.frameX(crop[i], crop[i + 1]), 1e-9);
            assertEquals(frame[i + 1], t.frameY(crop[i], crop[i + 1]), 1e-9);
        }
        // the crop's origin
        assertEquals(0, t.toCrop(new double[] {210, 95})[0], 1e-12);
    }
}
