package org.megaportraits.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.osgi.ServiceLease;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.sdk.training.TrainingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Measures a trained checkpoint on held-out data through the training bundle's service. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure a checkpoint on held-out data: PSNR and SSIM of self-reenactment against the driver",
                "(with the copy-the-source baseline beside them), identity similarity (CSIM) for self- and",
                "cross-reenactment, LPIPS when its weights are configured. Writes a JSON report and PNG grids."})
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STAGE", description = "What to measure: base.")
    private String stage;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR|CHECKPOINT",
            description = "A run folder (its newest checkpoint) or one checkpoint folder.")
    private Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Held-out data folder.")
    private Path data;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Where to write the report (default: none).")
    private Path report;

    @Option(names = "--config", paramLabel = "CFG.json", description = "Settings to evaluate under (default: the run's).")
    private Path config;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    private String device = "cpu";

    @Option(names = "--batch", paramLabel = "N", description = "Pairs per model call (default: ${DEFAULT-VALUE}).")
    private int batch = 8;

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        EvaluationSpec evaluation = new EvaluationSpec(TrainingBundle.parseStage(stage), checkpoint, config, data, report,
                new ExecutionOptions(device, Precision.FP32, batch));
        PrintWriter w = spec.commandLine().getOut();
        try (PortraitsHost h = host.start();
             ServiceLease<TrainingService> lease = TrainingBundle.lease(h)) {
            EvaluationReport r = lease.service().evaluate(evaluation);
            w.printf(Locale.ROOT, "step %d: %d self pairs, %d cross pairs%n", r.step(), r.selfPairs(), r.crossPairs());
            r.metrics().forEach((k, v) -> w.printf(Locale.ROOT, "  %-22s %.4f%n", k, v));
            if (report != null) {
                w.println("report written to " + report);
            }
            return 0;
        }
    }
}
