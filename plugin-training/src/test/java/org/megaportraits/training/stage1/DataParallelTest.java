package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.training.data.Example;
import org.megaportraits.training.run.LossLog;

class DataParallelTest {

    @TempDir
    Path dir;

    @Test
    void twoReplicasGiveTheFullBatchGradientOfTheMeanLoss() throws Exception {
        try (TinyRun.Parts parts = new TinyRun.Parts(dir, 4, 4)) {
            Stage1Step step = parts.step;
            NDManager root = parts.root;
            List<Example> batch = parts.batch(4);
            Replica single = parts.replica();
            Replica a = parts.replica();
            Replica b = parts.replica();
            Map<String, Double> one = new LinkedHashMap<>();
            Map<String, Double> two = new LinkedHashMap<>();
            Map<String, float[]> full = new LinkedHashMap<>();
            Map<String, float[]> averaged = new LinkedHashMap<>();
            try (NDScope scope = new NDScope()) {
                step.generatorPhase(List.of(single), List.of(new DeviceBatch(batch, root)), one);
                single.generatorWeights.gradients().forEach((k, v) -> full.put(k, v.toFloatArray()));
                step.generatorPhase(List.of(a, b), List.of(new DeviceBatch(batch.subList(0, 2), root),
                        new DeviceBatch(batch.subList(2, 4), root)), two);
                a.generatorWeights.gradients().forEach((k, v) -> averaged.put(k, v.toFloatArray()));
                // the second replica handed its share over and holds no gradient any more
                NDArray left = b.generatorWeights.gradient();
                assertEquals(0f, left.abs().sum().getFloat());
            }
            assertEquals(one.get("g_total"), two.get("g_total"), 1e-5 * Math.abs(one.get("g_total")));
            assertEquals(one.get("g_cycle"), two.get("g_cycle"), 1e-5);
            double worst = 0;
            double norm = 0;
            for (String k : full.keySet()) {
                float[] x = full.get(k);
                float[] y = averaged.get(k);
                for (int i = 0; i < x.length; i++) {
                    worst = Math.max(worst, Math.abs(x[i] - y[i]));
                    norm = Math.max(norm, Math.abs(x[i]));
                }
            }
            assertTrue(norm > 0, "no gradient at all");
            // Float rounding differs between batch sizes (other kernel blockings), and these flat synthetic frames
            // amplify it: normalisations of near-constant maps and unit-length codes of near-zero vectors. Measured
            // 2.0e-3 of the largest gradient with every loss on and 1.4e-3 with the cycle term alone; a wrong
            // aggregation (a share missed, a replica counted twice or dropped) is off by tens of percent.
            assertTrue(worst <= 1e-2 * norm, "replica gradients differ from the full batch's by " + worst + " (max " + norm + ")");
            single.close();
            a.close();
            b.close();
        }
    }

    @Test
    void aSingleDeviceCheckpointResumesOnTwoReplicasWithTheSameLosses() throws Exception {
        Path data = TinyRun.data(dir.resolve("data"));
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("one.json"), 4, 2), data,
                dir.resolve("one"), ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(3, () -> false, s -> { });
        }
        Path run = dir.resolve("mixed");
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("one.json"), 4, 2), data, run,
                ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(2, () -> false, s -> { });
        }
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("two.json"), 4, 2, "cpu", "cpu"), data, run,
                ExecutionOptions.CPU, FaceServices.NONE)) {
            assertEquals(2, t.replicaCount());
            assertEquals(2, t.step());
            t.train(3, () -> false, s -> { });
        }
        // step 3 starts from the checkpoint's weights: the two-replica forward pass must give the
        // single device's losses (later steps may drift by Adam's sign on near-zero gradients)
        for (String key : List.of("g_total", "g_cycle", "g_adversarial", "g_feature_matching", "d_hinge")) {
            double a = LossLog.read(dir.resolve("one/losses.jsonl")).get(key).get(2)[1];
            double b = LossLog.read(run.resolve("losses.jsonl")).get(key).get(2)[1];
            assertEquals(a, b, 1e-5 * Math.max(1, Math.abs(a)), key);
        }
    }

    @Test
    void theOptimizerTakesOneStepPerGlobalStep() throws Exception {
        Path data = TinyRun.data(dir.resolve("data"));
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("two.json"), 3, 2, "cpu", "cpu"), data,
                dir.resolve("run"), ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(3, () -> false, s -> { });
        }
        String state = java.nio.file.Files.readString(dir.resolve("run/checkpoints/step-00000003/state.json"));
        assertTrue(state.contains("\"generatorOptimizerSteps\" : 3"), state);
        assertTrue(state.contains("\"discriminatorOptimizerSteps\" : 3"), state);
    }
}
