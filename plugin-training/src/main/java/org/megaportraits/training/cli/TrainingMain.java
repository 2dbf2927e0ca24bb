package org.megaportraits.training.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.PortraitsException;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.sdk.training.Stage;
import org.megaportraits.sdk.training.TrainingService;
import org.megaportraits.sdk.training.TrainingSpec;
import org.megaportraits.sdk.training.TrainingStatus;
import org.megaportraits.training.checkpoint.ModelExport;
import org.megaportraits.training.config.ConfigLoader;
import org.megaportraits.training.impl.TrainingServiceComponent;

/**
 * {@code train base --data DIR --out RUN_DIR [--config CFG.json] [--device cpu|gpu:N]}: trains (or
 * resumes) a run; Ctrl-C stops it after writing a checkpoint; running the same command again
 * resumes. {@code eval base --checkpoint RUN_DIR --data DIR [--config CFG.json] [--report FILE]
 * [--device D] [--batch N]}: measures a checkpoint on held-out data. {@code export base --checkpoint
 * RUN_DIR --out MODEL_DIR}: writes the generator as a model folder for the ReenactmentModel
 * service. {@code defaults}: prints the
 * default configuration. The face pipeline and compositor of the background bundle are used when
 * their classes are on the class path ({@code --no-face-pipeline} turns them off).
 */
public final class TrainingMain {

    private static final String USAGE = String.join("\n",
            "usage:",
            "  train base --data DIR --out RUN_DIR [--config CFG.json] [--device cpu|gpu|gpu:N] [--precision fp32|bf16]",
            "             [--no-face-pipeline]",
            "  eval base --checkpoint RUN_DIR|CHECKPOINT --data DIR [--config CFG.json] [--report FILE.json]",
            "            [--device cpu|gpu:N] [--batch N] [--no-face-pipeline]",
            "  export base --checkpoint RUN_DIR|CHECKPOINT --out MODEL_DIR [--name NAME]",
            "  defaults");
    private static final Set<String> FLAGS = Set.of("no-face-pipeline");

    private TrainingMain() {
    }

    /** Entry point; exits 0 on success (finished or stopped), 1 on failure, 2 on a usage error. */
    public static void main(String[] argv) throws InterruptedException {
        System.exit(run(argv));
    }

    static int run(String[] argv) throws InterruptedException {
        if (argv.length == 1 && argv[0].equals("defaults")) {
            System.out.println(ConfigLoader.defaults().toPrettyString());
            return 0;
        }
        if (argv.length < 2 || !argv[1].equals("base") || !Set.of("train", "eval", "export").contains(argv[0])) {
            System.err.println(USAGE);
            return 2;
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 2; i < argv.length; i++) {
            String k = argv[i].replaceFirst("^--", "");
            if (FLAGS.contains(k)) {
                opts.put(k, "true");
            } else if (i + 1 < argv.length) {
                opts.put(k, argv[++i]);
            } else {
                System.err.println("missing value for " + argv[i] + "\n" + USAGE);
                return 2;
            }
        }
        try {
            // fixed shapes for hours: cuDNN's algorithm search pays for itself (see the host's TrainCommand)
            System.setProperty("ai.djl.pytorch.cudnn_benchmark", System.getProperty("ai.djl.pytorch.cudnn_benchmark", "true"));
            Devices.engine();
            if (argv[0].equals("export")) {
                return export(opts);
            }
            TrainingService service = service(!opts.containsKey("no-face-pipeline"));
            // bf16 trains in mixed precision; evaluation runs the generator in fp32
            Precision precision = argv[0].equals("train") ? Precision.parse(opts.getOrDefault("precision", "fp32"))
                    : Precision.FP32;
            ExecutionOptions options = new ExecutionOptions(opts.getOrDefault("device", "cpu"), precision,
                    Integer.parseInt(opts.getOrDefault("batch", "4")));
            return argv[0].equals("train") ? train(service, opts, options) : eval(service, opts, options);
        } catch (PortraitsException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int train(TrainingService service, Map<String, String> opts, ExecutionOptions options)
            throws InterruptedException {
        Path data = required(opts, "data");
        Path out = required(opts, "out");
        Path config = opts.containsKey("config") ? Path.of(opts.get("config")) : null;
        if (data == null || out == null) {
            return 2;
        }
        TrainingService.Run run = service.start(new TrainingSpec(Stage.BASE, config, data, out, options));
        Thread hook = new Thread(() -> {
            run.stop();
            try {
                run.await(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "training-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingStatus s;
        do {
            s = run.await(Duration.ofDays(365));
        } while (s.state() == TrainingStatus.State.RUNNING || s.state() == TrainingStatus.State.STARTING);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped by a signal: the hook has stopped the run and waits for its checkpoint
        }
        System.out.println("run " + s.state() + " at step " + s.step() + " of " + s.totalSteps()
                + (s.error() == null ? "" : ": " + s.error()));
        return s.state() == TrainingStatus.State.FAILED ? 1 : 0;
    }

    private static int eval(TrainingService service, Map<String, String> opts, ExecutionOptions options) {
        Path checkpoint = required(opts, "checkpoint");
        Path data = required(opts, "data");
        if (checkpoint == null || data == null) {
            return 2;
        }
        Path config = opts.containsKey("config") ? Path.of(opts.get("config")) : null;
        Path report = opts.containsKey("report") ? Path.of(opts.get("report")) : null;
        EvaluationReport r = service.evaluate(new EvaluationSpec(Stage.BASE, checkpoint, config, data, report, options));
        System.out.println("step " + r.step() + ", " + r.selfPairs() + " self pairs, " + r.crossPairs() + " cross pairs");
        r.metrics().forEach((k, v) -> System.out.printf("  %-22s %.4f%n", k, v));
        return 0;
    }

    private static int export(Map<String, String> opts) {
        Path checkpoint = required(opts, "checkpoint");
        Path out = required(opts, "out");
        if (checkpoint == null || out == null) {
            return 2;
        }
        ModelDescriptor d = ModelExport.export(checkpoint, out, opts.getOrDefault("name", "megaportraits-base-trained"));
        System.out.println("model " + d.name() + " (" + d.version() + ") written to " + out);
        return 0;
    }

    private static Path required(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            System.err.println("--" + key + " is required\n" + USAGE);
            return null;
        }
        return Path.of(v);
    }

    /** The service with the background bundle's face services when their classes are present. */
    private static TrainingService service(boolean facePipeline) {
        FaceAnalyzer faces = facePipeline ? instance("org.megaportraits.face.impl.FaceAnalyzerComponent", FaceAnalyzer.class) : null;
        Compositor compositor = facePipeline
                ? instance("org.megaportraits.background.impl.CompositorComponent", Compositor.class) : null;
        return new TrainingServiceComponent(faces, compositor);
    }

    private static <T> T instance(String className, Class<T> type) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + className + ": " + e, e);
        }
    }
}
