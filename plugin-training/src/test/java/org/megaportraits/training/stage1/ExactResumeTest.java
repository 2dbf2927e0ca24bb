package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.training.TrainingStatus;
import org.megaportraits.training.run.LossLog;

class ExactResumeTest {

    @TempDir
    Path dir;

    private static Map<String, float[]> snapshot(Map<String, NDArray> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void stoppingAndResumingGivesTheSameWeightsAsAStraightRun() throws Exception {
        Path data = TinyRun.data(dir.resolve("data"));
        Path cfg = TinyRun.config(dir.resolve("c.json"), 4, 2);
        Map<String, float[]> straight;
        Map<String, float[]> straightD;
        try (Stage1Trainer t = new Stage1Trainer(cfg, data, dir.resolve("straight"), ExecutionOptions.CPU, FaceServices.NONE)) {
            TrainingStatus s = t.train(4, () -> false, x -> { });
            assertEquals(TrainingStatus.State.FINISHED, s.state());
            straight = snapshot(t.generatorWeights());
            straightD = snapshot(t.discriminatorWeights());
        }
        Path resumedDir = dir.resolve("resumed");
        try (Stage1Trainer t = new Stage1Trainer(cfg, data, resumedDir, ExecutionOptions.CPU, FaceServices.NONE)) {
            assertEquals(TrainingStatus.State.STOPPED, t.train(2, () -> false, x -> { }).state());
        }
        try (Stage1Trainer t = new Stage1Trainer(null, data, resumedDir, ExecutionOptions.CPU, FaceServices.NONE)) {
            assertEquals(2, t.step());
            t.train(4, () -> false, x -> { });
            Map<String, float[]> resumed = snapshot(t.generatorWeights());
            Map<String, float[]> resumedD = snapshot(t.discriminatorWeights());
            assertClose(straight, resumed);
            assertClose(straightD, resumedD);
        }
        // the resumed log reads as one run of 4 steps
        List<double[]> total = LossLog.read(resumedDir.resolve("losses.jsonl")).get("g_total");
        assertEquals(4, total.size());
        List<double[]> straightTotal = LossLog.read(dir.resolve("straight/losses.jsonl")).get("g_total");
        for (int i = 0; i < 4; i++) {
            assertEquals(straightTotal.get(i)[1], total.get(i)[1], 1e-5 * Math.max(1, Math.abs(total.get(i)[1])));
        }
        assertTrue(Files.exists(resumedDir.resolve("samples/step-00000002.png")));
        assertTrue(Files.exists(resumedDir.resolve("loss-curves.png")));
    }

    static void assertClose(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        String where = "";
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs(x[i] - y[i]) / Math.max(1e-3, Math.abs(x[i]));
                if (Double.isNaN(d) || Float.isNaN(x[i])) {
                    d = Double.POSITIVE_INFINITY;
                }
                if (d > worst) {
                    worst = d;
                    where = k + "[" + i + "] " + x[i] + " vs " + y[i];
                }
            }
        }
        assertTrue(worst < 1e-4, "largest relative difference " + worst + " at " + where);
    }
}
