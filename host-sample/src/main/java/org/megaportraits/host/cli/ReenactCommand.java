package org.megaportraits.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.megaportraits.host.job.ReenactJob;
import org.megaportraits.host.job.ReenactReport;
import org.megaportraits.host.job.ReenactRequest;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.video.Progress;
import org.megaportraits.host.video.VideoReader;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.reenact.DrivingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reenacts a source portrait with the motion of a driver video. */
@Command(name = "reenact", mixinStandardHelpOptions = true,
        description = {"Animate the face of a source photo with the head motion and expressions of a driver video.",
                "The result has the driver's frames, frame rate and sound, with the source's face pasted in.",
                "Needs the base model, face analysis and compositing bundles (and the enhancer for --enhance)."})
final class ReenactCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "IMAGE", description = "Photo of the person to animate.")
    private Path source;

    @Option(names = "--driver", required = true, paramLabel = "VIDEO", description = "Video whose motion drives the face.")
    private Path driver;

    @Option(names = "--out", required = true, paramLabel = "OUT.mp4", description = "Where to write the result (H.264 MP4).")
    private Path out;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    private String device = "cpu";

    @Option(names = "--precision", paramLabel = "P", description = "fp32, fp16 or bf16 (default: ${DEFAULT-VALUE}).")
    private String precision = "fp32";

    @Option(names = "--batch", paramLabel = "N", description = "Driver frames per model call (default: ${DEFAULT-VALUE}).")
    private int batch = 4;

    @Option(names = "--enhance", description = "Run the 1024 px enhancer on each rendered face.")
    private boolean enhance;

    @Option(names = "--framing", paramLabel = "WHO",
            description = "Whose head position and scale the result keeps: driver or source (default: ${DEFAULT-VALUE}).")
    private String framing = "driver";

    @Option(names = "--relative", description = "Apply the driver's motion relative to its first frame, on top of the source's pose.")
    private boolean relative;

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ExecutionOptions options = new ExecutionOptions(device, Precision.parse(precision), batch);
        DrivingOptions.Framing who = parseFraming();
        DrivingOptions.Mode mode = relative ? DrivingOptions.Mode.RELATIVE : DrivingOptions.Mode.ABSOLUTE;
        ReenactRequest request = new ReenactRequest(source, driver, out, options, enhance, who, mode);
        long expected;
        try (VideoReader r = VideoReader.open(driver)) {
            expected = r.info().expectedFrames();
        }
        PrintWriter w = spec.commandLine().getOut();
        try (PortraitsHost h = host.start()) {
            ReenactReport report = new ReenactJob(h.leases(), h.bundleFolder().folder())
                    .run(request, Progress.onStderr("reenact", expected));
            w.printf(Locale.ROOT, "wrote %s: %d frames in %.1f s (%.2f frames/s", out, report.frames(), report.seconds(),
                    report.framesPerSecond());
            if (report.steadyFramesPerSecond() > 0) {
                w.printf(Locale.ROOT, "; first batch out after %.1f s, then %.1f frames/s", report.firstOutputSeconds(),
                        report.steadyFramesPerSecond());
            }
            w.printf(")%n");
            if (report.framesWithoutFace() > 0) {
                w.printf("%d driver frames had no detectable face and reused the nearest face's framing%n",
                        report.framesWithoutFace());
            }
            w.printf("served by %s%n", report.providers());
            StringBuilder stages = new StringBuilder("time by stage (tracking, model and compositing run side by side):");
            report.stageSeconds().forEach((stage, seconds) ->
                    stages.append(String.format(Locale.ROOT, " %s %.2f s;", stage, seconds)));
            w.println(stages);
            if (!report.steadyStageSeconds().isEmpty()) {
                StringBuilder steady = new StringBuilder("after the first batch:");
                report.steadyStageSeconds().forEach((stage, seconds) ->
                        steady.append(String.format(Locale.ROOT, " %s %.2f s;", stage, seconds)));
                w.println(steady);
            }
            StringBuilder filling = new StringBuilder("first run of each stage (s after the start):");
            report.firstRuns().forEach((stage, span) ->
                    filling.append(String.format(Locale.ROOT, " %s %.2f-%.2f;", stage, span[0], span[1])));
            w.println(filling);
            w.printf(Locale.ROOT, "video I/O: processing waited %.2f s for decoding and %.2f s for encoding; "
                            + "the encoder finished %.2f s after the last batch%n", report.videoIo().decodeWaitSeconds(),
                    report.videoIo().encodeWaitSeconds(), report.videoIo().encodeTailSeconds());
        }
        return 0;
    }

    private DrivingOptions.Framing parseFraming() {
        try {
            return DrivingOptions.Framing.valueOf(framing.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.megaportraits.sdk.InvalidInputException("unknown framing '" + framing + "'", "use driver or source");
        }
    }
}
