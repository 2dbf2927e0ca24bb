package org.megaportraits.face.pose;

/** The few small dense matrix operations the pose fit needs (3-vectors, 3 x 3 and 6 x 6 systems). */
final class Matrices {

    private Matrices() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] scale(double[] a, double k) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] * k;
        }
        return o;
    }

    static double[] sub(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] times(double[][] m, double[] v) {
        double[] o = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            o[i] = dot(m[i], v);
        }
        return o;
    }

    static double[][] inverse3(double[][] m) {
        double a = m[0][0];
        double b = m[0][1];
        double c = m[0][2];
        double d = m[1][0];
        double e = m[1][1];
        double f = m[1][2];
        double g = m[2][0];
        double h = m[2][1];
        double i = m[2][2];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[][] {
            {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
            {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
            {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det},
        };
    }

    /** Solves a x = b by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int k = col; k <= n; k++) {
                    m[r][k] -= f * m[col][k];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= m[r][k] * x[k];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }

    /** Rodrigues: the rotation matrix (row-major) of a rotation vector. */
    static double[] rotationMatrix(double vx, double vy, double vz) {
        double theta = Math.sqrt(vx * vx + vy * vy + vz * vz);
        if (theta < 1e-12) {
            return new double[] {1, -vz, vy, vz, 1, -vx, -vy, vx, 1};
        }
        double x = vx / theta;
        double y = vy / theta;
        double z = vz / theta;
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        double t = 1 - c;
        return new double[] {
            t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c,
        };
    }

    /** The rotation vector of a rotation matrix (row-major). */
    static double[] rotationVector(double[] r) {
        double cos = Math.max(-1, Math.min(1, (r[0] + r[4] + r[8] - 1) / 2));
        double theta = Math.acos(cos);
        if (theta < 1e-9) {
            return new double[] {(r[7] - r[5]) / 2, (r[2] - r[6]) / 2, (r[3] - r[1]) / 2};
        }
        if (Math.PI - theta < 1e-6) {
            // near a half turn: axis from the diagonal
            double x = Math.sqrt(Math.max(0, (r[0] + 1) / 2));
            double y = Math.sqrt(Math.max(0, (r[4] + 1) / 2)) * (r[1] >= 0 ? 1 : -1);
            double z = Math.sqrt(Math.max(0, (r[8] + 1) / 2)) * (r[2] >= 0 ? 1 : -1);
            return new double[] {x * theta, y * theta, z * theta};
        }
        double k = theta / (2 * Math.sin(theta));
        return new double[] {(r[7] - r[5]) * k, (r[2] - r[6]) * k, (r[3] - r[1]) * k};
    }
}
