package org.megaportraits.host.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.megaportraits.host.job.ReenactJob;
import org.megaportraits.host.job.ReenactReport;
import org.megaportraits.host.job.ReenactRequest;
import org.megaportraits.host.job.VideoIo;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.video.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Measures what video I/O costs the reenact job: the job with and without decoding and encoding, in turns. */
@Command(name = "bench-reenact", mixinStandardHelpOptions = true,
        description = {"Run the reenact job in turns with video I/O (the driver decoded and the result encoded to a",
                "temporary file, as 'reenact' does) and without (the driver decoded into memory first, the result",
                "frames dropped), in one host, and print frames/s of each: the share of video I/O. Each run ends with",
                "the job's model stage alone (the first batch's motion extracted and rendered as many times as the",
                "job has batches, nothing else on the device; on one thread and on two taking batches in turn), whose",
                "better rate the steady rates are set against."})
final class BenchReenactCommand implements Callable<Integer> {

    @Mixin
    private JobOptions job;

    @Option(names = "--runs", paramLabel = "N", description = "Runs of each kind, in turns (default: ${DEFAULT-VALUE}).")
    private int runs = 2;

    @Mixin
    private HostOptions host;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (runs < 1) {
            throw new org.megaportraits.sdk.InvalidInputException("--runs " + runs, "give at least one run");
        }
        PrintWriter w = spec.commandLine().getOut();
        Path dir;
        try {
            dir = Files.createTempDirectory("portraits-bench-reenact-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the output", e);
        }
        double[] steady = new double[2];
        double[] whole = new double[2];
        double modelAlone = 0;
        try (PortraitsHost h = host.start()) {
            ReenactJob reenact = new ReenactJob(h.leases(), h.bundleFolder().folder());
            long frames = 0;
            for (int r = 0; r < runs; r++) {
                for (VideoIo io : VideoIo.values()) {
                    Path out = dir.resolve("run-" + r + ".mp4");
                    ReenactReport report = reenact.run(job.request(out), Progress.silent(), io);
                    deleteQuietly(out);
                    steady[io.ordinal()] += report.steadyFramesPerSecond() / runs;
                    whole[io.ordinal()] += report.framesPerSecond() / runs;
                    w.printf(Locale.ROOT, "%-9s run %d: %d frames in %.2f s (%.1f frames/s; steady %.1f); waited %.2f s for "
                                    + "decoding, %.2f s for encoding; the encoder finished %.2f s after the last batch%n", io, r + 1,
                            report.frames(), report.seconds(), report.framesPerSecond(), report.steadyFramesPerSecond(),
                            report.videoIo().decodeWaitSeconds(), report.videoIo().encodeWaitSeconds(),
                            report.videoIo().encodeTailSeconds());
                    frames = report.frames();
                }
                // as many batches as the job had (nothing is written: the output path is not used)
                ReenactRequest request = job.request(dir.resolve("model.mp4"));
                int batch = request.options().batchSize();
                int batches = (int) Math.max(2, (frames + batch - 1) / batch);
                double one = reenact.modelStageFramesPerSecond(request, batches, 1);
                double two = reenact.modelStageFramesPerSecond(request, batches, 2);
                modelAlone += Math.max(one, two) / runs;
                w.printf(Locale.ROOT, "%-9s run %d: the model stage alone, %d batches of %d: %.1f frames/s on one thread, "
                        + "%.1f on two%n", "MODEL", r + 1, batches, batch, one, two);
            }
        } finally {
            deleteQuietly(dir);
        }
        int files = VideoIo.FILES.ordinal();
        int memory = VideoIo.IN_MEMORY.ordinal();
        w.printf(Locale.ROOT, "mean of %d run(s): steady %.1f frames/s with video I/O, %.1f without (%.3f of it); "
                + "whole job %.1f and %.1f frames/s%n", runs, steady[files], steady[memory], steady[files] / steady[memory],
                whole[files], whole[memory]);
        w.printf(Locale.ROOT, "the model stage alone (the better of one and two threads): %.1f frames/s; "
                + "the job's steady rate is %.3f of it with video I/O, %.3f without%n",
                modelAlone, steady[files] / modelAlone, steady[memory] / modelAlone);
        return 0;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary file is not worth failing the measurement
        }
    }
}
