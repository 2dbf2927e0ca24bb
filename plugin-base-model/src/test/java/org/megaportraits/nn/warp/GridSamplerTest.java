package org.megaportraits.nn.warp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.warp.GridSampler.Strategy;

class GridSamplerTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static double[] random(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    private static NDArray array(double[] v, Shape s, DataType t) {
        return manager.create(v, s).toType(t, false);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void identityGridReturnsTheVolumeExactly(Strategy strategy) {
        try (NDManager m = manager.newSubManager()) {
            NDArray vol = m.randomNormal(new Shape(2, 3, 4, 6, 5));
            NDArray id = WarpGrid.identity(m, Device.cpu(), 4, 6, 5, DataType.FLOAT32);
            NDArray grid = id.concat(id, 0);
            NDArray out = GridSampler.sample(vol, grid, strategy);
            assertEquals(vol.getShape(), out.getShape());
            float err = out.sub(vol).abs().max().getFloat();
            assertTrue(err < 1e-5f, "identity warp changed the volume by " + err);
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aGridShiftedByOneVoxelShiftsTheVolumeAndPadsWithZeros(Strategy strategy) {
        try (NDManager m = manager.newSubManager()) {
            int d = 3;
            int h = 4;
            int w = 5;
            NDArray vol = m.randomNormal(new Shape(1, 2, d, h, w));
            NDArray id = WarpGrid.identity(m, Device.cpu(), d, h, w, DataType.FLOAT32);
            // one voxel along x is 2 / W in normalised units; along z 2 / D
            NDArray shiftX = id.add(m.create(new float[] {2f / w, 0, 0}));
            NDArray outX = GridSampler.sample(vol, shiftX, strategy);
            assertTrue(outX.get(":, :, :, :, 0:4").sub(vol.get(":, :, :, :, 1:5")).abs().max().getFloat() < 1e-5f);
            assertEquals(0f, outX.get(":, :, :, :, 4").abs().max().getFloat(), 1e-5f);
            NDArray shiftZ = id.add(m.create(new float[] {0, 0, -2f / d}));
            NDArray outZ = GridSampler.sample(vol, shiftZ, strategy);
            assertTrue(outZ.get(":, :, 1:3").sub(vol.get(":, :, 0:2")).abs().max().getFloat() < 1e-5f);
            assertEquals(0f, outZ.get(":, :, 0").abs().max().getFloat(), 1e-5f);
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void agreesWithAStraightforwardPerVoxelImplementation(Strategy strategy) {
        Random r = new Random(7);
        int c = 3;
        int d = 4;
        int h = 5;
        int w = 6;
        int n = 3;
        int[] out = {2, 3, 4};
        double[] vol = random(r, c * d * h * w, -1, 1);
        // a bit past [-1, 1] so that zero padding is exercised too
        double[] grid = random(r, n * out[0] * out[1] * out[2] * 3, -1.2, 1.2);
        double[] expected = reference(vol, 1, c, d, h, w, grid, n, out);
        try (NDManager m = manager.newSubManager()) {
            NDArray v = m.create(vol, new Shape(1, c, d, h, w)).toType(DataType.FLOAT32, false);
            NDArray g = m.create(grid, new Shape(n, out[0], out[1], out[2], 3)).toType(DataType.FLOAT32, false);
            float[] actual = GridSampler.sample(v, g, strategy).toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "element " + i);
            }
        }
    }

    /** Direct definition: for each output point, the eight neighbours weighted, zero outside. */
    private static double[] reference(double[] vol, int nv, int c, int d, int h, int w, double[] grid, int n, int[] o) {
        int p = o[0] * o[1] * o[2];
        double[] res = new double[n * c * p];
        for (int b = 0; b < n; b++) {
            int vb = nv == 1 ? 0 : b;
            for (int q = 0; q < p; q++) {
                double x = ((grid[(b * p + q) * 3] + 1) * w - 1) / 2;
                double y = ((grid[(b * p + q) * 3 + 1] + 1) * h - 1) / 2;
                double z = ((grid[(b * p + q) * 3 + 2] + 1) * d - 1) / 2;
                int x0 = (int) Math.floor(x);
                int y0 = (int) Math.floor(y);
                int z0 = (int) Math.floor(z);
                for (int ch = 0; ch < c; ch++) {
                    double acc = 0;
                    for (int k = 0; k < 8; k++) {
                        int xi = x0 + (k & 1);
                        int yi = y0 + ((k >> 1) & 1);
                        int zi = z0 + (k >> 2);
                        if (xi < 0 || xi >= w || yi < 0 || yi >= h || zi < 0 || zi >= d) {
                            continue;
                        }
                        double wt = (1 - Math.abs(x - xi)) * (1 - Math.abs(y - yi)) * (1 - Math.abs(z - zi));
                        acc += wt * vol[(((vb * c + ch) * d + zi) * h + yi) * w + xi];
                    }
                    res[(b * c + ch) * p + q] = acc;
                }
            }
        }
        return res;
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void gradientsToVolumeAndGridMatchFiniteDifferences(Strategy strategy) {
        Random r = new Random(11);
        Shape vs = new Shape(2, 2, 3, 4, 3);
        Shape gs = new Shape(2, 2, 3, 2, 3);
        double[] vol = random(r, (int) vs.size(), -1, 1);
        double[] grid = random(r, (int) gs.size(), -0.95, 0.95);
        double[] probe = random(r, (int) (2 * 2 * gs.get(1) * gs.get(2) * gs.get(3)), -1, 1);
        double[] gradVol;
        double[] gradGrid;
        try (NDManager m = manager.newSubManager()) {
            NDArray v = m.create(vol, vs);
            NDArray g = m.create(grid, gs);
            NDArray weights = m.create(probe, new Shape(2, 2, gs.get(1), gs.get(2), gs.get(3)));
            v.setRequiresGradient(true);
            g.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                NDArray loss = GridSampler.sample(v, g, strategy).mul(weights).sum();
                gc.backward(loss);
            }
            gradVol = v.getGradient().toDoubleArray();
            gradGrid = g.getGradient().toDoubleArray();
        }
        double eps = 1e-6;
        for (int i = 0; i < vol.length; i += 3) {
            double fd = (loss(vol, i, eps, grid, -1, probe, vs, gs, strategy)
                    - loss(vol, i, -eps, grid, -1, probe, vs, gs, strategy)) / (2 * eps);
            assertEquals(fd, gradVol[i], 1e-6, "d loss / d volume[" + i + "]");
        }
        for (int i = 0; i < grid.length; i++) {
            double fd = (loss(vol, -1, 0, grid, i, probe, vs, gs, strategy, eps)
                    - loss(vol, -1, 0, grid, i, probe, vs, gs, strategy, -eps)) / (2 * eps);
            assertEquals(fd, gradGrid[i], 1e-5 * Math.max(1, Math.abs(fd)), "d loss / d grid[" + i + "]");
        }
    }

    private static double loss(double[] vol, int vi, double dv, double[] grid, int gi, double[] probe, Shape vs,
            Shape gs, Strategy s) {
        return loss(vol, vi, dv, grid, gi, probe, vs, gs, s, 0);
    }

    private static double loss(double[] vol, int vi, double dv, double[] grid, int gi, double[] probe, Shape vs,
            Shape gs, Strategy s, double dg) {
        double[] v = vol.clone();
        double[] g = grid.clone();
        if (vi >= 0) {
            v[vi] += dv;
        }
        if (gi >= 0) {
            g[gi] += dg;
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray out = GridSampler.sample(m.create(v, vs), m.create(g, gs), s);
            return out.mul(m.create(probe, out.getShape())).sum().getDouble();
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void halfPrecisionVolumesSampleCloseToFullPrecision(Strategy strategy) {
        try (NDManager m = manager.newSubManager()) {
            NDArray vol = m.randomNormal(new Shape(1, 4, 4, 8, 8));
            NDArray grid = m.randomUniform(-1f, 1f, new Shape(2, 4, 8, 8, 3));
            NDArray full = GridSampler.sample(vol, grid, strategy);
            NDArray half = GridSampler.sample(vol.toType(DataType.FLOAT16, false), grid.toType(DataType.FLOAT16, false), strategy);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertTrue(half.toType(DataType.FLOAT32, false).sub(full).abs().max().getFloat() < 2e-2f);
        }
    }
}
