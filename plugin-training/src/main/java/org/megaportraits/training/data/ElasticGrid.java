package org.megaportraits.training.data;

import java.util.Random;

/**
 * A random elastic warp: Gaussian offsets on a coarse {@code grid x grid} lattice, interpolated
 * bilinearly to every pixel (a smooth displacement field). The alternative to
 * {@link ThinPlateSpline} for the driver's expression-encoder copy.
 */
public final class ElasticGrid implements Planar.CoordinateMap {

    private final int grid;
    private final double[] dx;
    private final double[] dy;
    private final double width;
    private final double height;

    private ElasticGrid(int grid, double[] dx, double[] dy, double width, double height) {
        this.grid = grid;
        this.dx = dx;
        this.dy = dy;
        this.width = width;
        this.height = height;
    }

    /** Offsets of {@code sigma} times the image size at the lattice points. */
    public static ElasticGrid random(int width, int height, int grid, double sigma, Random rng) {
        double[] dx = new double[grid * grid];
        double[] dy = new double[grid * grid];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = rng.nextGaussian() * sigma * width;
            dy[i] = rng.nextGaussian() * sigma * height;
        }
        return new ElasticGrid(grid, dx, dy, width, height);
    }

    @Override
    public void source(double x, double y, double[] out) {
        double gx = Math.max(0, Math.min(grid - 1, x / (width - 1) * (grid - 1)));
        double gy = Math.max(0, Math.min(grid - 1, y / (height - 1) * (grid - 1)));
        int x0 = Math.min((int) gx, grid - 2);
        int y0 = Math.min((int) gy, grid - 2);
        double fx = gx - x0;
        double fy = gy - y0;
        int i00 = y0 * grid + x0;
        int i01 = i00 + 1;
        int i10 = i00 + grid;
        int i11 = i10 + 1;
        out[0] = x + lerp(lerp(dx[i00], dx[i01], fx), lerp(dx[i10], dx[i11], fx), fy);
        out[1] = y + lerp(lerp(dy[i00], dy[i01], fx), lerp(dy[i10], dy[i11], fx), fy);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
