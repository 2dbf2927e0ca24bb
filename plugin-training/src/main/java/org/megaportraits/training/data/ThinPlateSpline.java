package org.megaportraits.training.data;

import java.util.Random;

/**
 * A thin-plate-spline map of the plane through control points: f(p) = a + A p + sum_i w_i U(|p - c_i|),
 * U(r) = r^2 log r^2, exact at the control points. The driver augmentation of the paper
 * (supplement B.1) warps the expression-encoder copy by a random one: a regular grid of control
 * points, each moved by a random offset, which bends the shape of facial features while keeping
 * the expression.
 */
public final class ThinPlateSpline implements Planar.CoordinateMap {

    private final double[][] centres;
    private final double[] wx;
    private final double[] wy;
    private final double scaleX;
    private final double scaleY;

    /**
     * The spline taking {@code from[i]} to {@code to[i]} (points in pixel coordinates). Coordinates
     * are normalised by {@code width} and {@code height} inside so that the system stays well
     * conditioned.
     */
    public ThinPlateSpline(double[][] from, double[][] to, double width, double height) {
        int n = from.length;
        scaleX = width;
        scaleY = height;
        centres = new double[n][];
        for (int i = 0; i < n; i++) {
            centres[i] = new double[] {from[i][0] / width, from[i][1] / height};
        }
        double[][] a = new double[n + 3][n + 3];
        double[] bx = new double[n + 3];
        double[] by = new double[n + 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = kernel(centres[i], centres[j][0], centres[j][1]);
            }
            a[i][n] = 1;
            a[i][n + 1] = centres[i][0];
            a[i][n + 2] = centres[i][1];
            a[n][i] = 1;
            a[n + 1][i] = centres[i][0];
            a[n + 2][i] = centres[i][1];
            bx[i] = to[i][0] / width;
            by[i] = to[i][1] / height;
        }
        wx = solve(copy(a), bx);
        wy = solve(copy(a), by);
    }

    /**
     * A random warp of a {@code width x height} image: a {@code grid x grid} lattice of control
     * points spanning the image, each displaced by a Gaussian offset of {@code sigma} times the
     * image size. Used as a backward map (output pixel to source pixel).
     */
    public static ThinPlateSpline random(int width, int height, int grid, double sigma, Random rng) {
        int n = grid * grid;
        double[][] from = new double[n][];
        double[][] to = new double[n][];
        for (int j = 0; j < grid; j++) {
            for (int i = 0; i < grid; i++) {
                double x = (width - 1) * i / (double) (grid - 1);
                double y = (height - 1) * j / (double) (grid - 1);
                from[j * grid + i] = new double[] {x, y};
                to[j * grid + i] = new double[] {x + rng.nextGaussian() * sigma * width, y + rng.nextGaussian() * sigma * height};
            }
        }
        return new ThinPlateSpline(from, to, width, height);
    }

    @Override
    public void source(double x, double y, double[] out) {
        double px = x / scaleX;
        double py = y / scaleY;
        int n = centres.length;
        double fx = wx[n] + wx[n + 1] * px + wx[n + 2] * py;
        double fy = wy[n] + wy[n + 1] * px + wy[n + 2] * py;
        for (int i = 0; i < n; i++) {
            double u = kernel(centres[i], px, py);
            fx += wx[i] * u;
            fy += wy[i] * u;
        }
        out[0] = fx * scaleX;
        out[1] = fy * scaleY;
    }

    private static double kernel(double[] c, double x, double y) {
        double r2 = (c[0] - x) * (c[0] - x) + (c[1] - y) * (c[1] - y);
        return r2 <= 0 ? 0 : r2 * Math.log(r2);
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Gaussian elimination with partial pivoting (the system is small: grid^2 + 3 unknowns). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[] x = b.clone();
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] row = a[col];
            a[col] = a[pivot];
            a[pivot] = row;
            double t = x[col];
            x[col] = x[pivot];
            x[pivot] = t;
            if (Math.abs(a[col][col]) < 1e-12) {
                throw new IllegalArgumentException("thin-plate spline through coincident or collinear control points");
            }
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f != 0) {
                    for (int k = col; k < n; k++) {
                        a[r][k] -= f * a[col][k];
                    }
                    x[r] -= f * x[col];
                }
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = x[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
