package org.megaportraits.face.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.nn.bench.ResultsTable;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Milliseconds per 1080p frame of the face pipeline: detection (SSD at 512), 68 landmarks (two
 * passes, each with its mirror image), pose fit and a 512 x 512 alignment crop, as the tracker
 * does them for a video; and detection with landmarks alone. Frames are the six demo photos of
 * face-api cut to 1920 x 1080 (3 to 5 faces each; the tracker crops one). Runnable without Maven:
 * {@code java -cp <plugin-background jar>:<plugin-base-model jar>:<sdk-api jar>:<DJL api, PyTorch
 * engine, jni and native jars>:<jackson, slf4j> org.megaportraits.face.bench.FaceBenchmark --device
 * gpu --batch 4 --frames 60}, with the face-api package found as the bundle finds it
 * ({@code -Dportraits.faceapi.dir=...}). Appends to the shared results table when
 * {@code -Dportraits.bench.results=...} is set.
 */
public final class FaceBenchmark {

    private FaceBenchmark() {
    }

    /** Entry point: {@code --device cpu|gpu|gpu:N --precision fp32 --batch N --frames N --crop N}. */
    public static void main(String[] argv) throws IOException {
        Map<String, String> args = BenchArgs.parse(argv, "--device cpu|gpu|gpu:N --precision fp32|fp16|bf16 --batch N --frames N --crop N");
        if (args == null) {
            return;
        }
        int batch = Integer.parseInt(args.getOrDefault("batch", "1"));
        int count = Integer.parseInt(args.getOrDefault("frames", "24"));
        int crop = Integer.parseInt(args.getOrDefault("crop", "512"));
        ExecutionOptions options = new ExecutionOptions(args.getOrDefault("device", "cpu"),
                Precision.parse(args.getOrDefault("precision", "fp32")), batch);
        List<RgbImage> photos = DemoFrames.photos(1920, 1080);
        List<RgbImage> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(photos.get(i % photos.size()));
        }
        String device = BenchArgs.device(options);
        ResultsTable table = new ResultsTable(device);
        String precision = options.precision().name().toLowerCase(Locale.ROOT);
        try (FaceAnalyzer.Session session = new FaceAnalyzerComponent().open(options)) {
            // warm-up: first calls pay for allocation and kernel selection
            try (FaceTracker warm = session.track(crop); AlignedFaces a = warm.next(frames.subList(0, Math.min(batch, count)))) {
                session.detect(frames.get(0));
            }
            double cpu0 = processCpuSeconds();
            long t0 = System.nanoTime();
            try (FaceTracker tracker = session.track(crop)) {
                for (int start = 0; start < count; start += batch) {
                    try (AlignedFaces a = tracker.next(frames.subList(start, Math.min(count, start + batch)))) {
                        a.crops().size();
                    }
                }
            }
            double trackMs = (System.nanoTime() - t0) / 1e6 / count;
            double trackCpuMs = (processCpuSeconds() - cpu0) * 1e3 / count;
            double cpu1 = processCpuSeconds();
            long t1 = System.nanoTime();
            int faces = 0;
            for (RgbImage f : frames) {
                faces += session.detect(f).size();
            }
            double detectMs = (System.nanoTime() - t1) / 1e6 / count;
            double detectCpuMs = (processCpuSeconds() - cpu1) * 1e3 / count;
            table.add("face pipeline 1080p", precision, batch, "detect + landmarks + pose + " + crop + " crop (tracker)",
                    trackMs, "ms/frame");
            table.add("face pipeline 1080p", precision, 1, "detect + landmarks + pose, all faces (" + faces + " in " + count
                    + " frames)", detectMs, "ms/frame");
            if (!options.isGpu() && trackCpuMs > 0) {
                // on a shared machine wall time depends on the other load; CPU time much less so
                table.add("face pipeline 1080p", precision, batch, "tracker, process CPU time (all threads)", trackCpuMs, "cpu-ms/frame");
                table.add("face pipeline 1080p", precision, 1, "detect all faces, process CPU time (all threads)", detectCpuMs,
                        "cpu-ms/frame");
                System.out.printf(Locale.ROOT, "load average during the run: %s%n", loadAverage());
            }
            if (options.isGpu()) {
                agreement(session, new ExecutionOptions("cpu", Precision.FP32, 1), photos, table, precision);
            }
        }
    }

    /**
     * How far the faces found by a GPU session lie from those of a CPU session on the same frames
     * (the GPU's convolutions differ: TF32, other algorithms): faces found by each, and the distance
     * of each matched face's 68 landmarks (frame pixels), mean over all landmarks and the worst.
     */
    private static void agreement(FaceAnalyzer.Session gpu, ExecutionOptions cpu, List<RgbImage> photos, ResultsTable table,
                                  String precision) {
        int foundGpu = 0;
        int foundCpu = 0;
        double sum = 0;
        double worst = 0;
        int points = 0;
        try (FaceAnalyzer.Session reference = new FaceAnalyzerComponent().open(cpu)) {
            for (RgbImage photo : photos) {
                List<Face> a = gpu.detect(photo);
                List<Face> b = reference.detect(photo);
                foundGpu += a.size();
                foundCpu += b.size();
                for (Face f : a) {
                    Face nearest = null;
                    double best = Double.MAX_VALUE;
                    for (Face g : b) {
                        double d = Math.hypot(f.box().x() - g.box().x(), f.box().y() - g.box().y());
                        if (d < best) {
                            best = d;
                            nearest = g;
                        }
                    }
                    if (nearest == null || best > f.box().width() / 2) {
                        continue;
                    }
                    double[] p = f.landmarks();
                    double[] q = nearest.landmarks();
                    for (int k = 0; k < Face.LANDMARKS; k++) {
                        double d = Math.hypot(p[2 * k] - q[2 * k], p[2 * k + 1] - q[2 * k + 1]);
                        sum += d;
                        worst = Math.max(worst, d);
                        points++;
                    }
                }
            }
        }
        table.add("face pipeline 1080p", precision, 1, "faces found (CPU session: " + foundCpu + ")", foundGpu, "faces");
        table.add("face pipeline 1080p", precision, 1, "landmarks against the CPU session, mean over " + points, sum / Math.max(1, points),
                "px");
        table.add("face pipeline 1080p", precision, 1, "landmarks against the CPU session, worst", worst, "px");
    }

    /** User + system CPU time of this process (Linux /proc), or 0 where unavailable. */
    private static double processCpuSeconds() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/self/stat")).replaceAll(".*\\) ", "").split(" ");
            // fields after the command: state is index 0, utime index 11, stime index 12, in clock ticks (100 Hz)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
