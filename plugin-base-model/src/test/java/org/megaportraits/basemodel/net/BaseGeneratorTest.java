package org.megaportraits.basemodel.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.sdk.face.HeadPose;

class BaseGeneratorTest {

    private static final long M = 1_000_000;

    @Test
    void paper512ParameterCountsMatchTheDesign() {
        BaseGenerator g = new BaseGenerator(BaseModelConfig.preset("paper-512"));
        StringBuilder report = new StringBuilder("paper-512 parameters:");
        for (Pair<String, Block> c : g.getChildren()) {
            report.append(String.format(" %s=%,d", c.getKey().substring(2), NamedParameters.count(c.getValue())));
        }
        long total = NamedParameters.count(g);
        System.out.println(report + String.format(" total=%,d", total));
        long g3d = NamedParameters.count(g.canonical());
        assertTrue(g3d > 55 * M && g3d < 61 * M, "G3D has " + g3d);
        for (Block w : List.of(g.warpToCanonical(), g.warpToDriver())) {
            long n = NamedParameters.count(w);
            assertTrue(n > 8_500_000 && n < 9_500_000, "warping generator has " + n);
        }
        assertTrue(total >= 150 * M && total <= 162 * M, "generator has " + total);
    }

    @Test
    void parameterNamesAreStableDottedPaths() {
        Map<String, Parameter> named = NamedParameters.of(new BaseGenerator(BaseModelConfig.preset("small")));
        for (String expected : List.of("appearance.stem.weight", "appearance.down.0.conv1.weight",
                "descriptor.resnet.stage.3.0.conv3.weight", "expression.head.weight", "embedding.lift.weight",
                "warpToCanonical.block.0.norm1.u", "warpToDriver.block.2.norm2.v", "canonical.seed",
                "canonical.skip.2.conv2.weight", "decoder.projection.weight", "decoder.head.bias")) {
            assertTrue(named.containsKey(expected), expected + " missing among " + named.keySet().size() + " names");
        }
    }

    @Test
    void seededInitialisationIsReproducibleAndSeedDependent() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            float[] a = init(m, 3).get("canonical.down.0.conv1.weight").getArray().toFloatArray();
            float[] b = init(m, 3).get("canonical.down.0.conv1.weight").getArray().toFloatArray();
            float[] c = init(m, 4).get("canonical.down.0.conv1.weight").getArray().toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(java.util.Arrays.equals(a, c));
        }
    }

    private static Map<String, Parameter> init(NDManager m, long seed) {
        BaseGenerator g = new BaseGenerator(BaseModelConfig.preset("small"));
        Map<String, Parameter> named = NamedParameters.of(g);
        Init.seedAll(named, seed);
        g.initialize(m, DataType.FLOAT32);
        return named;
    }

    @Test
    void aTrainingPassGivesImagesAndGradientsToEveryNetwork() {
        BaseModelConfig cfg = BaseModelConfig.preset("small");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            BaseGenerator g = new BaseGenerator(cfg);
            Init.seedAll(NamedParameters.of(g), 1);
            g.initialize(m, DataType.FLOAT32);
            int n = 2;
            int s = cfg.imageSize();
            NDArray src = m.randomUniform(0f, 1f, new Shape(n, 3, s, s));
            NDArray drv = m.randomUniform(0f, 1f, new Shape(n, 3, s, s));
            NDArray mask = m.ones(new Shape(n, 1, s, s));
            NDArray poseS = RigidPose.stack(m, List.of(pose(0.2).fromCanonical(), pose(-0.1).fromCanonical()), DataType.FLOAT32);
            NDArray poseD = RigidPose.stack(m, List.of(pose(0.0).toCanonical(), pose(0.3).toCanonical()), DataType.FLOAT32);
            ParameterStore store = new ParameterStore(m, false);
            NDList out;
            try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                out = g.forward(store, new NDList(src, mask, poseS, src, drv, poseD), true);
                gc.backward(out.get(0).mean().add(out.get(1).square().mean()).add(out.get(2).square().mean()));
            }
            assertEquals(new Shape(n, 3, s, s), out.get(0).getShape());
            assertEquals(new Shape(n, cfg.expression().zDim()), out.get(1).getShape());
            assertTrue(out.get(0).min().getFloat() >= 0f && out.get(0).max().getFloat() <= 1f);
            for (Pair<String, Block> c : g.getChildren()) {
                double sum = 0;
                for (Parameter p : NamedParameters.of(c.getValue()).values()) {
                    NDArray grad = p.getArray().getGradient();
                    assertNotNull(grad);
                    sum += grad.abs().sum().getFloat();
                }
                assertTrue(sum > 0, c.getKey() + " received no gradient");
            }
        }
    }

    private static RigidPose pose(double yaw) {
        return RigidPose.of(new HeadPose(yaw, 0.05, -0.02, 0.01, -0.02, 0, 1.05));
    }
}
