package org.megaportraits.training.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.training.discriminator.MultiScaleDiscriminator;

class FlatWeightsTest {

    private static MultiScaleDiscriminator network(long seed) {
        MultiScaleDiscriminator d = new MultiScaleDiscriminator(1, 4, 2);
        Init.seedAll(NamedParameters.of(d), seed);
        return d;
    }

    @Test
    void everyWeightWhoseSizeIsAMultipleOfEightStartsAtAMultipleOfEight() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MultiScaleDiscriminator d = network(3);
            Map<String, Parameter> params = NamedParameters.of(d);
            // the network's own order would misalign some: an odd-sized weight comes before an aligned one
            long offset = 0;
            boolean misalignedInNetworkOrder = false;
            for (Parameter p : params.values()) {
                if (p.requiresGradient()) {
                    long n = p.getShape().size();
                    misalignedInNetworkOrder |= n % 8 == 0 && offset % 8 != 0;
                    offset += n;
                }
            }
            assertTrue(misalignedInNetworkOrder, "the test network has no weight to misalign");
            FlatWeights w = FlatWeights.adopt(params, m);
            d.initialize(m, DataType.FLOAT32);
            offset = 0;
            for (String name : w.names()) {
                long n = w.arrays().get(name).size();
                if (n % 8 == 0) {
                    assertEquals(0, offset % 8, name + " of " + n + " values starts at " + offset);
                }
                offset += n;
            }
            assertEquals(w.size(), offset);
            assertEquals(params.entrySet().stream().filter(e -> e.getValue().requiresGradient()).count(), w.names().size());
        }
    }

    @Test
    void adoptedParametersAreSlicesOfTheBufferWithTheirOwnInitialValues() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MultiScaleDiscriminator plain = network(7);
            plain.initialize(m, DataType.FLOAT32);
            MultiScaleDiscriminator flat = network(7);
            Map<String, Parameter> params = NamedParameters.of(flat);
            FlatWeights w = FlatWeights.adopt(params, m);
            flat.initialize(m, DataType.FLOAT32);
            // trainable parameters only, in the network's order; buffers keep arrays of their own
            long trainable = NamedParameters.countTrainable(flat);
            assertEquals(trainable, w.size());
            assertTrue(trainable < NamedParameters.count(flat), "the test network has buffers");
            Map<String, Parameter> before = NamedParameters.of(plain);
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray a = e.getValue().getArray();
                assertArrayEquals(before.get(e.getKey()).getArray().toFloatArray(), a.toFloatArray(), 0f, e.getKey());
                if (e.getValue().requiresGradient()) {
                    assertTrue(a == w.arrays().get(e.getKey()), e.getKey() + " is its slice");
                }
            }
            // the same storage both ways
            String first = w.names().get(0);
            NDArray slice = params.get(first).getArray();
            w.values().stopGradient().set(new ai.djl.ndarray.index.NDIndex("0"), 42f);
            assertEquals(42f, slice.toFloatArray()[0]);
            slice.stopGradient().set(new ai.djl.ndarray.index.NDIndex("..."), -1f);
            assertEquals(-1f, w.values().getFloat(0));
            assertEquals(-slice.size(), w.values().get("0:" + slice.size()).sum().getFloat());
        }
    }

    @Test
    void adoptionAfterInitialisationIsRefused() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MultiScaleDiscriminator d = network(1);
            d.initialize(m, DataType.FLOAT32);
            assertThrows(IllegalStateException.class, () -> FlatWeights.adopt(NamedParameters.of(d), m));
        }
    }

    @Test
    void trainingViewsInAnotherTypeSendEachGradientToItsSliceInFp32() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> values = new LinkedHashMap<>();
            values.put("a", m.create(new float[] {1f, 2f, 3f, 4f}, new Shape(2, 2)));
            values.put("b", m.create(new float[] {5f, 6f, 7f}));
            FlatWeights w = FlatWeights.of(values, m);
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDList v = w.forTraining(DataType.FLOAT64);
                assertEquals(DataType.FLOAT64, v.get(0).getDataType());
                assertEquals(new Shape(2, 2), v.get(0).getShape());
                assertArrayEquals(new double[] {5, 6, 7}, v.get(1).toDoubleArray(), 0);
                // d/da sum(a^2) = 2a, d/db sum(3b) = 3
                gc.backward(v.get(0).square().sum().add(Scalars.mul(v.get(1), 3f).sum()));
            }
            assertEquals(DataType.FLOAT32, w.gradient().getDataType());
            assertArrayEquals(new float[] {2, 4, 6, 8, 3, 3, 3}, w.gradient().toFloatArray(), 0f);
            Map<String, NDArray> byName = w.gradients();
            assertEquals(new Shape(2, 2), byName.get("a").getShape());
            assertArrayEquals(new float[] {3, 3, 3}, byName.get("b").toFloatArray(), 0f);
            w.zeroGradients();
            assertEquals(0f, w.gradient().abs().sum().getFloat());
        }
    }

    @Test
    void replicasHandGradientsOverAndTakeWeightsInOneCopy() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FlatWeights master = FlatWeights.of(Map.of("w", m.create(new float[] {1f, 2f})), m);
            FlatWeights replica = FlatWeights.of(Map.of("w", m.create(new float[] {9f, 9f})), m);
            for (FlatWeights w : new FlatWeights[] {master, replica}) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(Scalars.mul(w.forTraining(DataType.FLOAT32).get(0), w == master ? 1f : 2f).sum());
                }
            }
            master.addGradientsOf(replica);
            assertArrayEquals(new float[] {3f, 3f}, master.gradient().toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 0f}, replica.gradient().toFloatArray(), 0f);
            replica.copyFrom(master);
            assertArrayEquals(new float[] {1f, 2f}, replica.arrays().get("w").toFloatArray(), 0f);
        }
    }
}
