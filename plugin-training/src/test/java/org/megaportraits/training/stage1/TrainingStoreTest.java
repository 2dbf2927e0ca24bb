package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.training.discriminator.MultiScaleDiscriminator;
import org.megaportraits.training.loss.HingeLoss;
import org.megaportraits.training.optim.FlatWeights;

class TrainingStoreTest {

    private static MultiScaleDiscriminator network() {
        MultiScaleDiscriminator d = new MultiScaleDiscriminator(2, 4, 2);
        Init.seedAll(NamedParameters.of(d), 3);
        return d;
    }

    @Test
    void trainingThroughTheFlatWeightsGivesEveryParameterTheGradientOfPerParameterLeaves() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); NDScope scope = new NDScope()) {
            NDArray real = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            NDArray fake = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            // the old way: every parameter its own leaf
            MultiScaleDiscriminator plain = network();
            plain.initialize(m, DataType.FLOAT32);
            ParameterStore plainStore = new ParameterStore(m, false);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(HingeLoss.discriminator(plain.judge(plainStore, real, true).scores(),
                        plain.judge(plainStore, fake, true).scores()));
            }
            // through the store: views of one buffer, in fp32 and in fp64
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                MultiScaleDiscriminator d = network();
                FlatWeights w = FlatWeights.adopt(NamedParameters.of(d), m);
                d.initialize(m, DataType.FLOAT32);
                TrainingStore store = new TrainingStore(m);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    store.beginTraining(type, w);
                    Parameter any = w.parameters().get(0);
                    NDArray view = store.getValue(any, Device.cpu(), true);
                    assertEquals(type, view.getDataType());
                    assertTrue(store.getValue(any, Device.cpu(), false) == any.getArray(), "passes that do not train "
                            + "read the parameter's own array");
                    gc.backward(HingeLoss.discriminator(d.judge(store, real.toType(type, false), true).scores(),
                            d.judge(store, fake.toType(type, false), true).scores()));
                }
                store.endTraining();
                Map<String, Parameter> before = NamedParameters.of(plain);
                // against the largest gradient of the network: some biases feed a normalisation and get
                // (numerically) zero gradients, which no per-tensor scale can compare
                float scale = 0;
                for (Parameter p : before.values()) {
                    if (p.requiresGradient()) {
                        scale = Math.max(scale, p.getArray().getGradient().abs().max().getFloat());
                    }
                }
                assertTrue(scale > 0, "the reference got no gradient");
                for (Map.Entry<String, NDArray> e : w.gradients().entrySet()) {
                    float[] expected = before.get(e.getKey()).getArray().getGradient().toFloatArray();
                    assertArrayEquals(expected, e.getValue().toFloatArray(), 1e-5f * scale, e.getKey() + " in " + type);
                }
                // buffers were used and updated in place as before (spectral-norm vectors)
                for (Map.Entry<String, Parameter> e : NamedParameters.of(d).entrySet()) {
                    if (!e.getValue().requiresGradient()) {
                        assertArrayEquals(before.get(e.getKey()).getArray().toFloatArray(),
                                e.getValue().getArray().toFloatArray(), 1e-6f, e.getKey());
                    }
                }
            }
        }
    }

    @Test
    void aFrozenNetworkPassesGradientsToItsInputButGetsNone() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); NDScope scope = new NDScope()) {
            NDArray image = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            NDArray[] inputGradients = new NDArray[2];
            FlatWeights[] weights = new FlatWeights[2];
            for (int frozen = 0; frozen < 2; frozen++) {
                MultiScaleDiscriminator d = network();
                // the network that trains (standing in for the generator): a gain per colour on the image
                FlatWeights trained = FlatWeights.of(Map.of("gain",
                        m.create(new float[] {0.8f, 1.1f, 0.9f}, new Shape(1, 3, 1, 1))), m);
                FlatWeights judge = FlatWeights.adopt(NamedParameters.of(d), m);
                d.initialize(m, DataType.FLOAT32);
                TrainingStore store = new TrainingStore(m);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    if (frozen == 1) {
                        store.beginTraining(DataType.FLOAT32, trained, judge);
                    } else {
                        store.beginTraining(DataType.FLOAT32, judge);
                    }
                    NDArray gainView = trained.forTraining(DataType.FLOAT32).get(0);
                    NDArray fake = image.mul(gainView);
                    gc.backward(HingeLoss.generator(d.judge(store, fake, true).scores()));
                }
                store.endTraining();
                inputGradients[frozen] = trained.gradient().duplicate();
                weights[frozen] = judge;
            }
            assertTrue(inputGradients[0].abs().max().getFloat() > 0, "no gradient reached the trained network");
            assertArrayEquals(inputGradients[0].toFloatArray(), inputGradients[1].toFloatArray(), 1e-6f,
                    "the frozen judge changed the gradient of the network it judges");
            assertTrue(weights[0].gradient().abs().max().getFloat() > 0, "the trained judge got no gradient");
            assertEquals(0f, weights[1].gradient().abs().max().getFloat(), "the frozen judge got a gradient");
        }
    }
}
