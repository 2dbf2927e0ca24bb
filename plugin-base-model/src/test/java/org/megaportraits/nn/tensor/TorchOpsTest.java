package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.warp.GridSampler;

/**
 * The TorchScript operators against independent implementations made of DJL's own operators, in
 * fp64: values, and the gradients autograd carries through them to every input.
 */
class TorchOpsTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Value of f and the gradients of sum(f * weights) with respect to each input. */
    private static NDList valueAndGradients(Function<NDList, NDArray> f, NDArray weights, NDArray... inputs) {
        NDList leaves = new NDList();
        for (NDArray a : inputs) {
            NDArray leaf = a.duplicate();
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
        }
        NDList out = new NDList();
        try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
            NDArray y = f.apply(leaves);
            out.add(y.stopGradient());
            gc.backward(y.mul(weights).sum());
        }
        for (NDArray leaf : leaves) {
            out.add(leaf.getGradient().duplicate());
        }
        return out;
    }

    private static void assertClose(NDArray expected, NDArray actual, double tol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        double scale = Math.max(1e-12, expected.abs().max().toType(DataType.FLOAT64, false).getDouble());
        double err = actual.sub(expected).abs().max().toType(DataType.FLOAT64, false).getDouble();
        assertTrue(err <= tol * scale, what + ": max error " + err + " against max " + scale);
    }

    /** Textbook group norm: mean, centred squares, divide, per-channel affine. */
    private static NDArray chain(NDArray x, int groups, NDArray gamma, NDArray beta) {
        Shape s = x.getShape();
        NDArray r = x.reshape(s.get(0), groups, -1);
        NDArray c = r.sub(r.mean(new int[] {2}, true));
        NDArray var = c.square().mean(new int[] {2}, true);
        NDArray n = c.div(var.add(manager.create(1e-5)).sqrt()).reshape(s);
        Shape pc = new Shape(1, s.get(1), 1, 1);
        return n.mul(gamma.reshape(pc)).add(beta.reshape(pc));
    }

    @Test
    void groupNormEqualsTheTextbookChainInValueAndGradient() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(0, 3, new Shape(2, 6, 5, 4), DataType.FLOAT64).add(m.create(1.5));
            NDArray gamma = m.randomNormal(new Shape(6)).toType(DataType.FLOAT64, false);
            NDArray beta = m.randomNormal(new Shape(6)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(2, 6, 5, 4)).toType(DataType.FLOAT64, false);
            NDList expected = valueAndGradients(in -> chain(in.get(0), 3, in.get(1), in.get(2)), w, x, gamma, beta);
            NDList actual = valueAndGradients(in -> TorchOps.groupNorm(in.get(0), 3, in.get(1), in.get(2), 1e-5f),
                    w, x, gamma, beta);
            String[] names = {"value", "d/dx", "d/dgamma", "d/dbeta"};
            for (int i = 0; i < names.length; i++) {
                assertClose(expected.get(i), actual.get(i), 1e-6, names[i]);
            }
            NDArray plain = TorchOps.groupNorm(x, 3, null, null, 1e-5f);
            assertClose(chain(x, 3, m.ones(new Shape(6), DataType.FLOAT64), m.zeros(new Shape(6), DataType.FLOAT64)),
                    plain, 1e-6, "without affine part");
            assertThrows(IllegalArgumentException.class, () -> TorchOps.groupNorm(x, 3, gamma, null, 1e-5f));
        }
    }

    @Test
    void linearUpsamplingEqualsDjlsAntialiasedKernelInValueAndGradient() {
        try (NDManager m = manager.newSubManager()) {
            // up-sampling by 2: antialiasing changes nothing, so DJL's kernel is an independent reference
            NDArray x = m.randomNormal(new Shape(2, 3, 5, 7)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(2, 3, 10, 14)).toType(DataType.FLOAT64, false);
            NDList expected = valueAndGradients(
                    in -> in.get(0).getNDArrayInternal().interpolation(new long[] {10, 14}, 1, false), w, x);
            NDList actual = valueAndGradients(in -> TorchOps.upsampleLinear(in.get(0), 2, 2), w, x);
            assertClose(expected.get(0), actual.get(0), 1e-12, "value");
            assertClose(expected.get(1), actual.get(1), 1e-12, "d/dx");
            // one axis only, and 3D: height doubled, width kept
            NDArray rows = TorchOps.upsampleLinear(x, 2, 1);
            assertClose(x.getNDArrayInternal().interpolation(new long[] {10, 7}, 1, false), rows, 1e-12, "(2, 1)");
            NDArray v = m.randomNormal(new Shape(1, 2, 3, 4, 5)).toType(DataType.FLOAT64, false);
            NDArray up = TorchOps.upsampleLinear(v, 1, 2, 2);
            assertEquals(new Shape(1, 2, 3, 8, 10), up.getShape());
            NDArray perSlice = v.reshape(1, 6, 4, 5).getNDArrayInternal().interpolation(new long[] {8, 10}, 1, false);
            assertClose(perSlice.reshape(1, 2, 3, 8, 10), up, 1e-12, "(1, 2, 2) in 3D");
            assertThrows(IllegalArgumentException.class, () -> TorchOps.upsampleLinear(x, 3, 2));
            assertThrows(IllegalArgumentException.class, () -> TorchOps.upsampleLinear(x, 2, 2, 2));
        }
    }

    @Test
    void gridSamplingEqualsTheGatherImplementationInValueAndBothGradients() {
        try (NDManager m = manager.newSubManager()) {
            // a batch-1 volume read by a batch-3 grid reaching past every face (zeros outside)
            NDArray vol = m.randomNormal(new Shape(1, 4, 3, 5, 6)).toType(DataType.FLOAT64, false);
            NDArray grid = m.randomUniform(-1.3f, 1.3f, new Shape(3, 2, 4, 5, 3)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(3, 4, 2, 4, 5)).toType(DataType.FLOAT64, false);
            NDList expected = valueAndGradients(
                    in -> GridSampler.sample(in.get(0), in.get(1), GridSampler.Strategy.FUSED), w, vol, grid);
            NDList actual = valueAndGradients(in -> TorchOps.gridSample3d(in.get(0), in.get(1)), w, vol, grid);
            String[] names = {"value", "d/dvolume", "d/dgrid"};
            for (int i = 0; i < names.length; i++) {
                assertClose(expected.get(i), actual.get(i), 1e-10, names[i]);
            }
        }
    }

    @Test
    void aTransposedViewMadeContiguousKeepsItsValuesInItsOwnOrder() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.arange(0f, 24f, 1f).reshape(2, 3, 2, 2);
            NDArray t = x.transpose(0, 2, 3, 1);
            NDArray c = TorchOps.contiguous(t);
            assertEquals(t.getShape(), c.getShape());
            // element (n, y, x, ch) of the interleaved copy is x's (n, ch, y, x)
            assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9}, c.get("0, 0, 0:2, :").flatten().toFloatArray(), 0f);
            assertArrayEquals(t.toFloatArray(), c.toFloatArray(), 0f);
        }
    }

    @Test
    void clampingIsOneMinimumOfAMaximumWithGradientOneInsideAndZeroOutside() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new double[] {-3, -1, -0.5, 0, 0.7, 2, 5}, new Shape(7));
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector c = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                y = TorchOps.clamp(x, -1, 2);
                c.backward(y.mul(m.create(new double[] {1, 2, 3, 4, 5, 6, 7})));
            }
            assertArrayEquals(new double[] {-1, -1, -0.5, 0, 0.7, 2, 2}, y.toDoubleArray(), 0);
            // d/dx of sum(w * clamp(x)): w inside [lo, hi] (bounds included), 0 outside
            assertArrayEquals(new double[] {0, 2, 3, 4, 5, 6, 0}, x.getGradient().toDoubleArray(), 0);
            NDArray half = m.create(new float[] {-2f, 0.5f, 9f}).toType(DataType.FLOAT16, false);
            NDArray h = TorchOps.clamp(half, 0, 6);
            assertEquals(DataType.FLOAT16, h.getDataType());
            assertArrayEquals(new float[] {0f, 0.5f, 6f}, h.toType(DataType.FLOAT32, false).toFloatArray(), 0f);
        }
    }

    @Test
    void halfPrecisionOnTheCpuIsComputedInFp32AndKeepsItsType() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(2, 4, 6, 6));
            // (fp16: DJL 0.36's published JNI aborts the JVM at the first bf16 tensor, see Devices)
            NDArray xh = x.toType(DataType.FLOAT16, false);
            NDArray g = m.ones(new Shape(4)).toType(DataType.FLOAT16, false);
            NDArray b = m.zeros(new Shape(4)).toType(DataType.FLOAT16, false);
            NDArray gn = TorchOps.groupNorm(xh, 2, g, b, 1e-5f);
            assertEquals(DataType.FLOAT16, gn.getDataType());
            assertClose(TorchOps.groupNorm(x, 2, null, null, 1e-5f), gn.toType(DataType.FLOAT32, false), 2e-3, "fp16 group norm");
            NDArray up = TorchOps.upsampleLinear(xh, 2, 2);
            assertEquals(DataType.FLOAT16, up.getDataType());
            assertClose(TorchOps.upsampleLinear(x, 2, 2), up.toType(DataType.FLOAT32, false), 2e-3, "fp16 up-sampling");
            NDArray vol = m.randomNormal(new Shape(1, 2, 3, 4, 5));
            NDArray grid = m.randomUniform(-1f, 1f, new Shape(2, 3, 4, 5, 3));
            NDArray sampled = TorchOps.gridSample3d(vol.toType(DataType.FLOAT16, false), grid);
            assertEquals(DataType.FLOAT16, sampled.getDataType());
            assertClose(TorchOps.gridSample3d(vol, grid), sampled.toType(DataType.FLOAT32, false), 2e-3, "fp16 sampling");
        }
    }

    @Test
    void arraysWhoseNamesLookLikeDjlsListMarkersArePassedAsPlainTensors() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(1, 2, 3, 3));
            NDArray named = x.duplicate();
            named.setName("decoder.block[0]");
            NDArray out = TorchOps.upsampleLinear(named, 2, 2);
            assertNotNull(out);
            assertClose(TorchOps.upsampleLinear(x, 2, 2), out, 0, "named input");
            assertEquals("decoder.block[0]", named.getName());
        }
    }

    @Test
    void anArchiveLibtorchCannotCompileGivesAnErrorThatSaysSo() {
        String code = TorchOps.Source.code();
        String call = "torch.group_norm(x, int(groups), None";
        assertTrue(code.contains(call), "the text to break is in the code");
        // one method calling an operator no libtorch has
        byte[] broken = TorchOps.Source.archive(code.replace(call, "torch.group_nrm(x, int(groups), None"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TorchOps.Module.load(broken));
        assertTrue(e.getMessage().contains("could not compile the model's TorchScript operators"), e.getMessage());
        assertTrue(String.valueOf(e.getCause().getMessage()).contains("group_nrm"), "the cause names the operator");
    }
}
