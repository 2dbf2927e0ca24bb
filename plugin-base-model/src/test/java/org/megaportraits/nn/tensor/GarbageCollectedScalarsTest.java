package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.warp.GridSampler;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.sdk.face.HeadPose;

/**
 * Gradients must not depend on when the garbage collector runs. DJL 0.36 frees the Java buffer of a
 * Number scalar right after {@code mul(Number)} and friends while autograd keeps the scalar: a GC
 * between forward and backward then corrupts gradients on the CPU. Each test computes gradients
 * once quietly and once with collections and reuse of freed native memory in between.
 */
class GarbageCollectedScalarsTest {

    private static final List<ByteBuffer> CHURN = new ArrayList<>();

    /** Collects garbage and lets fresh native allocations (full of NaN) reuse what was freed. */
    private static void collectAndReuse() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 200; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                b.putFloat(0, Float.NaN);
                CHURN.add(b);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CHURN.clear();
    }

    private static float[] gradient(NDManager m, Function<NDArray, NDArray> f, boolean churn) {
        NDArray x = m.full(new Shape(3), 2f);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
            NDArray y = f.apply(x).sum();
            if (churn) {
                collectAndReuse();
            }
            gc.backward(y);
        }
        return x.getGradient().toFloatArray();
    }

    @Test
    void scalarOperationsKeepTheirGradientsThroughACollection() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new float[] {3, 3, 3}, gradient(m, x -> Scalars.mul(x, 3), true));
                assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, gradient(m, x -> Scalars.div(x, 4), true));
                assertArrayEquals(new float[] {1, 1, 1}, gradient(m, x -> Scalars.maximum(x, 1), true));
                assertArrayEquals(new float[] {0, 0, 0}, gradient(m, x -> Scalars.maximum(x, 5), true));
            }
        }
    }

    @Test
    void gridSamplerGridGradientsDoNotDependOnCollections() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray volume = m.randomUniform(0, 1, new Shape(1, 2, 4, 6, 6));
            NDArray offsets = m.randomUniform(-0.6f, 0.6f, new Shape(1, 4, 6, 6, 3));
            float[] quiet = gridGradient(volume, offsets, false);
            float[] collected = gridGradient(volume, offsets, true);
            assertArrayEquals(quiet, collected, 0f);
        }
    }

    private static float[] gridGradient(NDArray volume, NDArray grid, boolean churn) {
        NDArray g = grid.duplicate();
        g.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
            NDArray out = GridSampler.sample(volume, g).square().sum();
            if (churn) {
                collectAndReuse();
            }
            gc.backward(out);
        }
        return g.getGradient().toFloatArray();
    }

    @Test
    void baseGeneratorGradientsDoNotDependOnCollections() {
        BaseModelConfig cfg = BaseModelConfig.preset("small");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            BaseGenerator g = new BaseGenerator(cfg);
            Map<String, Parameter> params = NamedParameters.of(g);
            Init.seedAll(params, 5);
            g.initialize(m, DataType.FLOAT32);
            int s = cfg.imageSize();
            NDArray src = m.randomUniform(0, 1, new Shape(2, 3, s, s));
            NDArray drv = m.randomUniform(0, 1, new Shape(2, 3, s, s));
            RigidPose a = RigidPose.of(new HeadPose(0.2, 0.05, -0.1, 0.02, -0.01, 0, 1.05));
            RigidPose b = RigidPose.of(new HeadPose(-0.1, 0.0, 0.1, 0, 0.02, 0, 0.95));
            NDArray fromCanonical = Scalars.owned(RigidPose.stack(m, List.of(a.fromCanonical(), b.fromCanonical()),
                    DataType.FLOAT32));
            NDArray toCanonical = Scalars.owned(RigidPose.stack(m, List.of(b.toCanonical(), a.toCanonical()),
                    DataType.FLOAT32));
            NDList inputs = new NDList(src, m.ones(new Shape(2, 1, s, s)), fromCanonical, src, drv, toCanonical);
            Map<String, float[]> quiet = generatorGradients(g, params, m, inputs, false);
            Map<String, float[]> collected = generatorGradients(g, params, m, inputs, true);
            double worst = 0;
            for (String k : quiet.keySet()) {
                float[] x = quiet.get(k);
                float[] y = collected.get(k);
                for (int i = 0; i < x.length; i++) {
                    double d = Math.abs(x[i] - y[i]);
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
                }
            }
            assertEquals(0, worst, 1e-6, "gradients changed when the GC ran between forward and backward");
            assertTrue(quiet.values().stream().anyMatch(v -> v.length > 0 && v[0] != 0));
        }
    }

    private static Map<String, float[]> generatorGradients(BaseGenerator g, Map<String, Parameter> params, NDManager m,
                                                           NDList inputs, boolean churn) {
        try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
            NDList out = g.forward(new ParameterStore(m, false), inputs, true);
            NDArray loss = out.get(0).mean().add(out.get(1).square().mean()).add(out.get(2).square().mean());
            if (churn) {
                collectAndReuse();
            }
            gc.backward(loss);
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (e.getValue().requiresGradient()) {
                NDArray grad = e.getValue().getArray().getGradient();
                grads.put(e.getKey(), grad.toFloatArray());
                grad.subi(grad);
            }
        }
        return grads;
    }
}
