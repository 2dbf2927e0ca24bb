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

    @Mixin
    private JobOptions job;

    @Option(names = "--out", required = true, paramLabel = "OUT.mp4", description = "Where to write the result (H.264 MP4).")
    private Path out;

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ReenactRequest request = job.request(out);
        long expected;
        try (VideoReader r = VideoReader.open(job.driver)) {
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
}
