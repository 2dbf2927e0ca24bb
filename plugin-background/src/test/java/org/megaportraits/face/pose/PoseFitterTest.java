package org.megaportraits.face.pose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.face.HeadPose;

class PoseFitterTest {

    private final PoseFitter fitter = new PoseFitter();

    /** The mean face turned by a known pose, scaled, moved and projected, with optional pixel noise. */
    static double[] project(HeadPose pose, double scale, double cx, double cy, double noise, Random rnd) {
        double[] r = pose.rotation();
        double[] l = new double[136];
        for (int i = 0; i < 68; i++) {
            double[] p = MeanFace.point(i);
            l[2 * i] = cx + scale * (r[0] * p[0] + r[1] * p[1] + r[2] * p[2]) + noise * rnd.nextGaussian();
            l[2 * i + 1] = cy + scale * (r[3] * p[0] + r[4] * p[1] + r[5] * p[2]) + noise * rnd.nextGaussian();
        }
        return l;
    }

    @Test
    void recoversKnownPosesOfTheProjectedModelExactly() {
        Random rnd = new Random(1);
        double worst = 0;
        for (int k = 0; k < 200; k++) {
            HeadPose truth = new HeadPose(Math.toRadians(-60 + 120 * rnd.nextDouble()), Math.toRadians(-35 + 70 * rnd.nextDouble()),
                    Math.toRadians(-180 + 360 * rnd.nextDouble()), 0, 0, 0, 1);
            double scale = 0.5 + 3 * rnd.nextDouble();
            PoseFit fit = fitter.fit(project(truth, scale, 300 + 500 * rnd.nextDouble(), 200 + 300 * rnd.nextDouble(), 0, rnd));
            worst = Math.max(worst, maxAngleError(truth, fit));
            assertEquals(scale, fit.scale(), 1e-6 * scale);
            assertTrue(fit.rmsError() < 1e-6, "rms " + fit.rmsError());
        }
        System.out.printf("pose fit, noise-free, 200 poses (yaw +-60, pitch +-35, roll +-180 deg): worst error %.2e deg%n", worst);
        assertTrue(worst < 1e-4, "worst angle error " + worst + " deg");
    }

    @Test
    void staysWithinAFewDegreesUnderLandmarkNoise() {
        Random rnd = new Random(2);
        double sum = 0;
        double worst = 0;
        int n = 200;
        for (int k = 0; k < n; k++) {
            HeadPose truth = new HeadPose(Math.toRadians(-45 + 90 * rnd.nextDouble()), Math.toRadians(-25 + 50 * rnd.nextDouble()),
                    Math.toRadians(-30 + 60 * rnd.nextDouble()), 0, 0, 0, 1);
            // a 200 px wide face (scale 1.3 px/mm) with 2 px landmark noise, about what the landmark net gives
            PoseFit fit = fitter.fit(project(truth, 1.3, 500, 400, 2.0, rnd));
            double e = maxAngleError(truth, fit);
            sum += e;
            worst = Math.max(worst, e);
        }
        System.out.printf("pose fit, 2 px noise on a 200 px face: mean of worst-axis error %.2f deg, worst %.2f deg%n", sum / n, worst);
        assertTrue(sum / n < 2.0, "mean error " + sum / n);
        assertTrue(worst < 8.0, "worst error " + worst);
    }

    @Test
    void anglesFollowTheDocumentedSigns() {
        // yaw > 0: nose (landmark 30) towards the image's left of the eye midpoint
        PoseFit yaw = fitter.fit(project(new HeadPose(Math.toRadians(20), 0, 0, 0, 0, 0, 1), 2, 500, 500, 0, new Random()));
        double[] l = project(new HeadPose(Math.toRadians(20), 0, 0, 0, 0, 0, 1), 2, 500, 500, 0, new Random());
        assertTrue(l[60] < (l[72] + l[90]) / 2, "nose left of the eye-corner midpoint");
        assertEquals(20, Math.toDegrees(yaw.yaw()), 1e-6);
        // roll > 0: clockwise on screen, the image-right eye corner (45) lower than the image-left one (36)
        double[] r = project(new HeadPose(0, 0, Math.toRadians(10), 0, 0, 0, 1), 2, 500, 500, 0, new Random());
        assertTrue(r[91] > r[73]);
        assertEquals(10, Math.toDegrees(fitter.fit(r).roll()), 1e-6);
        // pitch > 0: nose tip moves down relative to the frontal projection
        double[] p = project(new HeadPose(0, Math.toRadians(15), 0, 0, 0, 0, 1), 2, 500, 500, 0, new Random());
        double[] f = project(HeadPose.FRONTAL, 2, 500, 500, 0, new Random());
        assertTrue(p[61] - p[73] > f[61] - f[73]);
    }

    static double maxAngleError(HeadPose truth, PoseFit fit) {
        return Math.max(Math.abs(deg(truth.yaw() - fit.yaw())), Math.max(Math.abs(deg(truth.pitch() - fit.pitch())),
                Math.abs(deg(truth.roll() - fit.roll()))));
    }

    /** Degrees of an angle difference wrapped to [-180, 180). */
    static double deg(double radians) {
        double d = Math.toDegrees(radians) % 360;
        return d >= 180 ? d - 360 : d < -180 ? d + 360 : d;
    }
}
