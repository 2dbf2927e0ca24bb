package org.megaportraits.training.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.sdk.training.Stage;
import org.megaportraits.sdk.training.TrainingService;
import org.megaportraits.sdk.training.TrainingSpec;
import org.megaportraits.sdk.training.TrainingStatus;
import org.megaportraits.training.data.TestClips;

class TrainingServiceComponentTest {

    @TempDir
    Path dir;

    private Path data() throws Exception {
        Path d = Files.createDirectories(dir.resolve("data"));
        TestClips.movingSquare(d.resolve("a.mp4"), 64, 6, 230);
        TestClips.movingSquare(d.resolve("b.mp4"), 64, 6, 60);
        TestClips.movingSquare(d.resolve("c.mp4"), 64, 6, 140);
        return d;
    }

    private Path config(long steps) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("preset", "small");
        c.put("batchSize", 2);
        c.put("steps", steps);
        ObjectNode losses = c.putObject("losses");
        losses.put("vgg", 0);
        losses.put("identity", 0);
        losses.put("gaze", 0);
        c.putObject("discriminator").put("width", 8).put("blocks", 3);
        c.putObject("data").put("faces", "precropped").putObject("augmentation").put("expressionSize", 32);
        c.putObject("run").put("logEvery", 1).put("sampleEvery", 0).put("checkpointEvery", 100);
        Path f = dir.resolve("c.json");
        Files.writeString(f, json.writeValueAsString(c));
        return f;
    }

    @Test
    void aRunStopsOnRequestWithACheckpointResumesToTheEndAndIsEvaluated() throws Exception {
        Path data = data();
        Path runDir = dir.resolve("run");
        TrainingService service = new TrainingServiceComponent(null, null);
        TrainingSpec spec = new TrainingSpec(Stage.BASE, config(4), data, runDir, ExecutionOptions.CPU);
        TrainingService.Run run = service.start(spec);
        List<TrainingStatus> seen = new CopyOnWriteArrayList<>();
        run.onStatus(s -> {
            seen.add(s);
            if (s.step() >= 2) {
                run.stop();
            }
        });
        assertThrows(InvalidInputException.class, () -> service.start(spec), "one run at a time");
        TrainingStatus stopped = run.await(Duration.ofMinutes(5));
        assertEquals(TrainingStatus.State.STOPPED, stopped.state(), String.valueOf(stopped.error()));
        assertTrue(stopped.step() >= 2 && stopped.step() < 4, "stopped at " + stopped.step());
        assertTrue(Files.exists(runDir.resolve(String.format("checkpoints/step-%08d/state.json", stopped.step()))));
        assertTrue(seen.stream().anyMatch(s -> s.losses().containsKey("g_total")));

        TrainingStatus finished = service.start(new TrainingSpec(Stage.BASE, null, data, runDir, ExecutionOptions.CPU))
                .await(Duration.ofMinutes(5));
        assertEquals(TrainingStatus.State.FINISHED, finished.state(), String.valueOf(finished.error()));
        assertEquals(4, finished.step());
        assertTrue(Files.exists(runDir.resolve("loss-curves.png")));

        Path report = dir.resolve("eval/report.json");
        EvaluationReport r = service.evaluate(new EvaluationSpec(Stage.BASE, runDir, null, data, report,
                ExecutionOptions.CPU.withBatchSize(4)));
        assertEquals(4, r.step());
        assertEquals(3 * 4, r.selfPairs());
        assertEquals(3, r.crossPairs());
        for (String k : List.of("self.psnr", "self.ssim", "baseline.self.psnr", "baseline.self.ssim")) {
            assertTrue(Double.isFinite(r.metrics().get(k)), k + " = " + r.metrics().get(k));
        }
        assertTrue(Files.readString(report).contains("\"self.psnr\""));
        assertTrue(Files.exists(dir.resolve("eval/eval-self.png")));
    }

    @Test
    void stagesOtherThanTheBaseModelAreRefusedClearly() {
        TrainingService service = new TrainingServiceComponent(null, null);
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> service.start(
                new TrainingSpec(Stage.ENHANCER, null, dir, dir.resolve("run"), ExecutionOptions.CPU)));
        assertTrue(e.remedy().contains("BASE"), e.getMessage());
    }

    @Test
    void aMissingDataFolderFailsTheRunWithTheReason() throws Exception {
        TrainingService.Run run = new TrainingServiceComponent(null, null).start(new TrainingSpec(Stage.BASE, config(2),
                dir.resolve("nothing-here"), dir.resolve("run"), ExecutionOptions.CPU));
        TrainingStatus s = run.await(Duration.ofMinutes(2));
        assertEquals(TrainingStatus.State.FAILED, s.state());
        assertTrue(s.error().contains("nothing-here"), s.error());
    }
}
