package org.megaportraits.host.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.megaportraits.host.job.ReenactRequest;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.reenact.DrivingOptions;
import picocli.CommandLine.Option;

/** Options of the commands that run a reenact job: inputs, device and driving. */
final class JobOptions {

    @Option(names = "--source", required = true, paramLabel = "IMAGE", description = "Photo of the person to animate.")
    Path source;

    @Option(names = "--driver", required = true, paramLabel = "VIDEO", description = "Video whose motion drives the face.")
    Path driver;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device = "cpu";

    @Option(names = "--precision", paramLabel = "P", description = "fp32, fp16 or bf16 (default: ${DEFAULT-VALUE}).")
    String precision = "fp32";

    @Option(names = "--batch", paramLabel = "N", description = "Driver frames per model call (default: ${DEFAULT-VALUE}).")
    int batch = 4;

    @Option(names = "--enhance", description = "Run the 1024 px enhancer on each rendered face.")
    boolean enhance;

    @Option(names = "--framing", paramLabel = "WHO",
            description = "Whose head position and scale the result keeps: driver or source (default: ${DEFAULT-VALUE}).")
    String framing = "driver";

    @Option(names = "--relative", description = "Apply the driver's motion relative to its first frame, on top of the source's pose.")
    boolean relative;

    /** The job these options describe, writing to {@code out}. */
    ReenactRequest request(Path out) {
        ExecutionOptions options = new ExecutionOptions(device, Precision.parse(precision), batch);
        DrivingOptions.Mode mode = relative ? DrivingOptions.Mode.RELATIVE : DrivingOptions.Mode.ABSOLUTE;
        return new ReenactRequest(source, driver, out, options, enhance, framing(), mode);
    }

    private DrivingOptions.Framing framing() {
        try {
            return DrivingOptions.Framing.valueOf(framing.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown framing '" + framing + "'", "use driver or source");
        }
    }
}
