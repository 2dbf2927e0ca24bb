package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.training.data.Example;

class GeneratorBackwardTest {

    @TempDir
    Path dir;

    /**
     * The step runs the generator's backward pass on a thread of its own while the step's thread
     * frees the forward pass's arrays. The reference: the same loss, its backward pass on the same
     * thread with every array alive, on a replica of the same weights.
     */
    @Test
    void aBackwardPassBesideTheFreeingOfTheForwardArraysGivesThePlainBackwardPassGradients() throws Exception {
        try (TinyRun.Parts parts = new TinyRun.Parts(dir, 4, 4)) {
            Stage1Step step = parts.step;
            NDManager root = parts.root;
            List<Example> batch = parts.batch(2);
            Replica stepped = parts.replica();
            Replica plain = parts.replica();
            plain.copyFrom(stepped);
            Map<String, Double> values = new LinkedHashMap<>();
            Map<String, float[]> expected = new LinkedHashMap<>();
            Map<String, float[]> actual = new LinkedHashMap<>();
            try (NDScope scope = new NDScope()) {
                List<Stage1Step.Forward> forwards = step.generatorPhase(List.of(stepped),
                        List.of(new DeviceBatch(batch, root)), values);
                stepped.generatorWeights.gradients().forEach((k, v) -> actual.put(k, v.toFloatArray()));
                // what the rest of the step reads is still there
                assertEquals(2, forwards.get(0).prediction().getShape().get(0));
                assertTrue(forwards.get(0).target().sum().getFloat() > 0);
                try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                    NDArray loss = step.generatorLoss(List.of(plain), List.of(new DeviceBatch(batch, root)),
                            new ArrayList<>(), new PendingValues(), null);
                    assertEquals(values.get("g_total"), loss.getFloat(), 1e-6 * Math.abs(values.get("g_total")));
                    gc.backward(loss);
                }
                plain.store.endTraining();
                plain.generatorWeights.gradients().forEach((k, v) -> expected.put(k, v.toFloatArray()));
            }
            assertEquals(expected.keySet(), actual.keySet());
            double norm = 0;
            for (String k : expected.keySet()) {
                assertArrayEquals(expected.get(k), actual.get(k), 0f, k);
                for (float x : expected.get(k)) {
                    norm = Math.max(norm, Math.abs(x));
                }
            }
            assertTrue(norm > 0, "no gradient at all");
            stepped.close();
            plain.close();
        }
    }
}
