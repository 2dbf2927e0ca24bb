package org.megaportraits.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.osgi.ServiceLease;
import org.megaportraits.host.video.Progress;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.training.TrainingService;
import org.megaportraits.sdk.training.TrainingSpec;
import org.megaportraits.sdk.training.TrainingStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Trains (or resumes training) a model through the training bundle's service. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on a folder of videos and stills (one identity per video, folder of frames or still).",
                "Starting again on a run folder resumes from its newest checkpoint; Ctrl-C writes a checkpoint and stops.",
                "The run folder gets config.json, losses.jsonl, sample grids (samples/), checkpoints/ and loss-curves.png.",
                "Needs the training bundle (and the background bundle for face crops, mattes and the identity term)."})
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STAGE", description = "What to train: base (stage 1, the base model).")
    private String stage;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Training data folder.")
    private Path data;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run folder (created, or resumed).")
    private Path out;

    @Option(names = "--config", paramLabel = "CFG.json",
            description = "Settings over the paper's defaults (see the training bundle's README); on resume, the run's own.")
    private Path config;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    private String device = "cpu";

    @Option(names = "--precision", paramLabel = "P",
            description = "fp32, or bf16 for mixed precision: fp32 weights, bf16 computation (default: ${DEFAULT-VALUE}).")
    private String precision = "fp32";

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        // training runs one fixed set of shapes for hours: cuDNN's algorithm search (off in the host by
        // default, see PortraitsHost) pays for itself within the first steps. Measured, paper-512 batch 4
        // on an H100: 0.795 -> 0.736 s per step in bf16, 1.057 -> 0.984 s in fp32
        System.setProperty("ai.djl.pytorch.cudnn_benchmark", System.getProperty("ai.djl.pytorch.cudnn_benchmark", "true"));
        TrainingSpec trainingSpec = new TrainingSpec(TrainingBundle.parseStage(stage), config, data, out,
                new ExecutionOptions(device, Precision.parse(precision), 1));
        PrintWriter w = spec.commandLine().getOut();
        try (PortraitsHost h = host.start();
             ServiceLease<TrainingService> lease = TrainingBundle.lease(h)) {
            TrainingService.Run run = lease.service().start(trainingSpec);
            // Ctrl-C: ask the run to stop and wait for its checkpoint (the JVM ends when the hooks do)
            Thread stopper = new Thread(() -> {
                run.stop();
                try {
                    run.await(Duration.ofMinutes(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "train-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            TrainingStatus s = run.status();
            Progress progress = null;
            long shown = 0;
            while (s.state() == TrainingStatus.State.STARTING || s.state() == TrainingStatus.State.RUNNING) {
                s = run.await(Duration.ofSeconds(1));
                if (s.state() == TrainingStatus.State.RUNNING && s.totalSteps() > 0) {
                    if (progress == null) {
                        progress = Progress.onStderr("train " + stage, s.step(), s.totalSteps(), "steps");
                        shown = s.step();
                    }
                    progress.note(losses(s));
                    progress.advance((int) (s.step() - shown));
                    shown = s.step();
                }
            }
            if (progress != null) {
                progress.advance((int) (s.step() - shown));
                progress.finish();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook stops the run and waits for its checkpoint
            }
            w.printf(Locale.ROOT, "run %s at step %d of %d in %s%n", s.state().name().toLowerCase(Locale.ROOT), s.step(),
                    s.totalSteps(), run.runDir());
            if (s.state() == TrainingStatus.State.FAILED) {
                spec.commandLine().getErr().println("portraits: error: " + s.error());
                return 1;
            }
            return 0;
        }
    }

    private static String losses(TrainingStatus s) {
        StringBuilder b = new StringBuilder();
        for (String key : new String[] {"g_total", "l1_foreground", "d_hinge"}) {
            Double v = s.losses().get(key);
            if (v != null) {
                b.append(String.format(Locale.ROOT, "%s %.4f  ", key, v));
            }
        }
        return b.toString().trim();
    }
}
