package org.megaportraits.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.megaportraits.host.TestData;
import picocli.CommandLine;

/** The command line as a user meets it: help, exit codes, one-line errors with a remedy. */
class PortraitsCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = PortraitsCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bundles", "reenact", "train", "eval", "probe", "make-clip", "bench-video"})
    void everyCommandHasHelp(String command) {
        assertEquals(0, run(command, "--help"));
        assertTrue(out.toString().startsWith("Usage: portraits " + command), out.toString());
    }

    @Test
    void probeReportsSizeRateFramesAndAudio() {
        Path clip = dir.resolve("clip.mp4");
        assertEquals(0, run("make-clip", "--image", TestData.photo(2).toString(), "--out", clip.toString(),
                "--size", "128", "--frames", "20", "--fps", "25"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("probe", "--count", clip.toString()));
        String report = out.toString();
        assertTrue(report.contains("h264 128x128, 25.000 fps (25)"), report);
        assertTrue(report.contains("frames:    20 (decoded)"), report);
        assertTrue(report.contains("duration:  0.800 s"), report);
        assertTrue(report.contains("audio:     aac, 1 channel(s), 48000 Hz"), report);
    }

    @Test
    void trainsAndEvaluatesThroughTheTrainingBundle() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 1; i <= 2; i++) {
            assertEquals(0, run("make-clip", "--image", TestData.photo(i).toString(), "--out",
                    data.resolve("clip" + i + ".mp4").toString(), "--size", "64", "--frames", "6"), err.toString());
        }
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, """
                {"preset": "small", "batchSize": 2, "steps": 3, "seed": 3,
                 "losses": {"vgg": 0, "identity": 0, "gaze": 0},
                 "discriminator": {"width": 8, "blocks": 3},
                 "data": {"faces": "precropped", "prefetch": 1, "augmentation": {"expressionSize": 32}},
                 "run": {"logEvery": 1, "sampleEvery": 3, "checkpointEvery": 3, "sampleRows": 2}}
                """);
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "base", "--data", data.toString(), "--out", runDir.toString(),
                "--config", config.toString()), err.toString());
        assertTrue(out.toString().contains("run finished at step 3 of 3"), out.toString());
        assertTrue(Files.size(runDir.resolve("losses.jsonl")) > 0);
        assertTrue(Files.exists(runDir.resolve("loss-curves.png")));
        assertTrue(Files.exists(runDir.resolve("samples/step-00000003.png")));

        out.getBuffer().setLength(0);
        Path report = dir.resolve("report.json");
        assertEquals(0, run("eval", "base", "--checkpoint", runDir.toString(), "--data", data.toString(),
                "--report", report.toString()), err.toString());
        assertTrue(out.toString().contains("baseline.self.psnr"), out.toString());
        assertTrue(Files.readString(report).contains("\"self.psnr\""));
    }

    @Test
    void trainRejectsAnUnknownStageWithTheKnownOnes() {
        int status = run("train", "teacher", "--data", dir.toString(), "--out", dir.resolve("run").toString());
        assertTrue(status != 0);
        assertTrue(err.toString().contains("unknown stage 'teacher'") && err.toString().contains("base"), err.toString());
    }

    @Test
    void reenactWithoutBaseModelBundleSaysSoAndWritesNothing() {
        Path clip = dir.resolve("driver.mp4");
        assertEquals(0, run("make-clip", "--image", TestData.photo(1).toString(), "--out", clip.toString(),
                "--size", "128", "--frames", "10"));
        Path bundles = TestData.copyBundles(dir.resolve("bundles"), name -> !name.startsWith("plugin-base-model"));
        Path result = dir.resolve("result.mp4");
        int status = run("reenact", "--source", TestData.photo(2).toString(), "--driver", clip.toString(),
                "--out", result.toString(), "--bundles", bundles.toString());
        assertEquals(FailureReport.MODEL_MISSING, status, err.toString());
        assertTrue(err.toString().startsWith("portraits: error: no base model bundle installed"), err.toString());
        assertTrue(err.toString().contains("plugin-base-model"), "the remedy names the bundle: " + err);
        assertTrue(Files.notExists(result));
    }

    @Test
    void reenactWithMissingDriverIsBadInput() {
        int status = run("reenact", "--source", TestData.photo(2).toString(), "--driver", dir.resolve("none.mp4").toString(),
                "--out", dir.resolve("result.mp4").toString());
        assertEquals(FailureReport.BAD_INPUT, status);
        assertTrue(err.toString().contains("none.mp4 does not exist"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--precision=fp8", "--device=tpu", "--framing=sideways", "--batch=0"})
    void reenactRejectsBadOptionsWithTheAcceptedValues(String option) {
        int status = run("reenact", "--source", "a.jpg", "--driver", "b.mp4", "--out", "c.mp4", option);
        assertEquals(FailureReport.BAD_INPUT, status);
        assertTrue(err.toString().contains("(") && err.toString().contains("use"), "remedy given: " + err);
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("name a command"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("dance"));
        List<String> lines = err.toString().lines().toList();
        assertTrue(lines.get(0).contains("dance"), err.toString());
    }
}
