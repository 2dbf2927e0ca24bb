package org.megaportraits.face.pose;

/**
 * Fits the {@link MeanFace} to 68 landmarks under weak perspective (scaled orthographic
 * projection): p = s (R X)_xy + t. A closed-form affine fit, made a scaled rotation, starts a
 * Gauss-Newton refinement of rotation, scale and translation. Weighted least squares: the jaw
 * contour (a silhouette under yaw) and the inner lips (they move with speech) count less.
 *
 * <p>Weak perspective cannot see depth, so the pose has no z translation; at the distances of
 * portrait video the perspective error is small against landmark noise.
 */
public final class PoseFitter {

    private static final double[] WEIGHTS = new double[68];
    private static final int ITERATIONS = 12;

    static {
        for (int i = 0; i < 68; i++) {
            WEIGHTS[i] = i <= 16 ? 0.3 : i >= 60 ? 0.5 : 1.0;
        }
    }

    private final double[] model = MeanFace.points();

    /** Fits 68 landmarks given as x0, y0, x1, y1, ... in pixels. */
    public PoseFit fit(double[] landmarks) {
        double[] state = initial(landmarks);
        for (int it = 0; it < ITERATIONS; it++) {
            if (!gaussNewtonStep(state, landmarks)) {
                break;
            }
        }
        double[] r = rotation(state);
        double yaw = Math.asin(Math.max(-1, Math.min(1, -r[6])));
        double pitch = Math.atan2(r[7], r[8]);
        double roll = Math.atan2(r[3], r[0]);
        return new PoseFit(r, yaw, pitch, roll, state[3], state[4], state[5], Math.sqrt(cost(state, landmarks) / weightSum()));
    }

    /**
     * Closed-form start: the weighted least-squares affine camera M (2 x 3) and its nearest scaled
     * rotation. State: rotation vector (3), scale, tx, ty.
     */
    private double[] initial(double[] l) {
        double ws = 0;
        double[] mx = new double[3];
        double[] mp = new double[2];
        for (int i = 0; i < 68; i++) {
            double w = WEIGHTS[i];
            ws += w;
            for (int k = 0; k < 3; k++) {
                mx[k] += w * model[3 * i + k];
            }
            mp[0] += w * l[2 * i];
            mp[1] += w * l[2 * i + 1];
        }
        for (int k = 0; k < 3; k++) {
            mx[k] /= ws;
        }
        mp[0] /= ws;
        mp[1] /= ws;
        double[][] xx = new double[3][3];
        double[][] px = new double[2][3];
        for (int i = 0; i < 68; i++) {
            double w = WEIGHTS[i];
            double[] x = {model[3 * i] - mx[0], model[3 * i + 1] - mx[1], model[3 * i + 2] - mx[2]};
            double[] p = {l[2 * i] - mp[0], l[2 * i + 1] - mp[1]};
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    xx[a][b] += w * x[a] * x[b];
                }
                px[0][a] += w * p[0] * x[a];
                px[1][a] += w * p[1] * x[a];
            }
        }
        double[][] inv = Matrices.inverse3(xx);
        double[] m0 = Matrices.times(inv, px[0]);
        double[] m1 = Matrices.times(inv, px[1]);
        double n0 = Matrices.norm(m0);
        double n1 = Matrices.norm(m1);
        double[] r1 = Matrices.scale(m0, 1 / n0);
        double[] r2 = Matrices.sub(m1, Matrices.scale(r1, Matrices.dot(m1, r1)));
        r2 = Matrices.scale(r2, 1 / Matrices.norm(r2));
        double[] r3 = Matrices.cross(r1, r2);
        double[] rot = {r1[0], r1[1], r1[2], r2[0], r2[1], r2[2], r3[0], r3[1], r3[2]};
        double s = (n0 + n1) / 2;
        double[] v = Matrices.rotationVector(rot);
        // t places the weighted model centroid on the landmark centroid
        double[] c = {rot[0] * mx[0] + rot[1] * mx[1] + rot[2] * mx[2], rot[3] * mx[0] + rot[4] * mx[1] + rot[5] * mx[2]};
        return new double[] {v[0], v[1], v[2], s, mp[0] - s * c[0], mp[1] - s * c[1]};
    }

    private static double[] rotation(double[] state) {
        return Matrices.rotationMatrix(state[0], state[1], state[2]);
    }

    private double cost(double[] state, double[] l) {
        double[] res = residuals(state, l);
        double c = 0;
        for (double v : res) {
            c += v * v;
        }
        return c;
    }

    /** Weighted residuals sqrt(w) * (projection - landmark), 136 of them. */
    private double[] residuals(double[] state, double[] l) {
        double[] r = rotation(state);
        double s = state[3];
        double[] out = new double[136];
        for (int i = 0; i < 68; i++) {
            double x = model[3 * i];
            double y = model[3 * i + 1];
            double z = model[3 * i + 2];
            double sw = Math.sqrt(WEIGHTS[i]);
            out[2 * i] = sw * (state[4] + s * (r[0] * x + r[1] * y + r[2] * z) - l[2 * i]);
            out[2 * i + 1] = sw * (state[5] + s * (r[3] * x + r[4] * y + r[5] * z) - l[2 * i + 1]);
        }
        return out;
    }

    /** One damped Gauss-Newton step with a numeric Jacobian; false once it no longer helps. */
    private boolean gaussNewtonStep(double[] state, double[] l) {
        double[] r0 = residuals(state, l);
        double c0 = 0;
        for (double v : r0) {
            c0 += v * v;
        }
        double[][] jac = new double[6][];
        for (int k = 0; k < 6; k++) {
            double h = k < 3 ? 1e-6 : k == 3 ? 1e-6 * Math.max(1e-9, state[3]) : 1e-4;
            double[] probe = state.clone();
            probe[k] += h;
            double[] r1 = residuals(probe, l);
            jac[k] = new double[136];
            for (int j = 0; j < 136; j++) {
                jac[k][j] = (r1[j] - r0[j]) / h;
            }
        }
        double[][] jtj = new double[6][6];
        double[] jtr = new double[6];
        for (int a = 0; a < 6; a++) {
            for (int b = 0; b < 6; b++) {
                jtj[a][b] = Matrices.dot(jac[a], jac[b]);
            }
            jtj[a][a] *= 1 + 1e-9;
            jtr[a] = Matrices.dot(jac[a], r0);
        }
        double[] step = Matrices.solve(jtj, jtr);
        double[] next = state.clone();
        for (int k = 0; k < 6; k++) {
            next[k] -= step[k];
        }
        double c1 = cost(next, l);
        if (!(c1 < c0)) {
            return false;
        }
        System.arraycopy(next, 0, state, 0, 6);
        return c0 - c1 > 1e-10 * c0;
    }

    private static double weightSum() {
        double s = 0;
        for (double w : WEIGHTS) {
            s += w;
        }
        return s;
    }
}
