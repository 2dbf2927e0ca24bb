package org.megaportraits.background.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.megaportraits.background.impl.CompositorComponent;
import org.megaportraits.face.bench.BenchArgs;
import org.megaportraits.face.bench.DemoFrames;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.nn.bench.ResultsTable;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Milliseconds per batch of each compositing step as the reenact job calls them: the mattes of a
 * batch of rendered crops and of the driver crops they came from (one call, seeded by the tracker's
 * landmarks), the background plate from the driver crops, the composite of the render on the plate,
 * and the paste-back into the driver frames. Each call returns its work done, so wall time per call
 * is its cost on an otherwise idle device. The driver frames are face-api's first demo photo cut
 * to the frame size, its crops the tracker's; the crops also stand in for the renders (the steps'
 * cost does not depend on the picture). Runnable without Maven as {@link
 * org.megaportraits.face.bench.FaceBenchmark} is: {@code ... org.megaportraits.background.bench.CompositorBenchmark
 * --device gpu --batch 32 --frame 512x512 --repeats 10}.
 */
public final class CompositorBenchmark {

    private static final String[] STEPS = {"mattes (render + driver)", "background plate", "composite", "paste-back"};

    private CompositorBenchmark() {
    }

    /** Entry point: {@code --device cpu|gpu|gpu:N --precision fp32 --batch N --crop N --frame WxH --repeats N}. */
    public static void main(String[] argv) throws IOException {
        Map<String, String> args = BenchArgs.parse(argv, "--device cpu|gpu|gpu:N --precision fp32|fp16|bf16 --batch N --crop N --frame WxH --repeats N");
        if (args == null) {
            return;
        }
        int batch = Integer.parseInt(args.getOrDefault("batch", "8"));
        int crop = Integer.parseInt(args.getOrDefault("crop", "512"));
        int repeats = Integer.parseInt(args.getOrDefault("repeats", "5"));
        String[] frame = args.getOrDefault("frame", "1920x1080").split("x");
        if (frame.length != 2) {
            throw new IllegalArgumentException("--frame is WIDTHxHEIGHT, e.g. 1920x1080");
        }
        ExecutionOptions options = new ExecutionOptions(args.getOrDefault("device", "cpu"),
                Precision.parse(args.getOrDefault("precision", "fp32")), batch);
        List<RgbImage> photos = DemoFrames.photos(Integer.parseInt(frame[0]), Integer.parseInt(frame[1]));
        List<RgbImage> frames = new ArrayList<>(batch);
        // a video's frames show one head that moves little: its crops come from one region of the frames
        for (int i = 0; i < batch; i++) {
            frames.add(photos.get(0));
        }
        String device = BenchArgs.device(options);
        ResultsTable table = new ResultsTable(device);
        double[][] ms = new double[STEPS.length][repeats];
        try (FaceAnalyzer.Session faces = new FaceAnalyzerComponent().open(options);
             FaceTracker tracker = faces.track(crop);
             AlignedFaces driver = tracker.next(frames);
             Compositor.Session compositor = new CompositorComponent().open(options)) {
            List<double[]> landmarks = driver.cropLandmarks();
            // the first round pays for compilation, allocation and kernel selection: not counted
            for (int r = -1; r < repeats; r++) {
                long t0 = System.nanoTime();
                List<ImageBatch> mattes = compositor.mattes(List.of(driver.crops(), driver.crops()), List.of(landmarks, landmarks));
                long t1 = System.nanoTime();
                try (ImageBatch renderMatte = mattes.get(0);
                     ImageBatch driverMatte = mattes.get(1);
                     ImageBatch plate = compositor.backgroundPlate(driver.crops(), driverMatte)) {
                    long t2 = System.nanoTime();
                    try (ImageBatch composed = compositor.composite(driver.crops(), renderMatte, plate)) {
                        long t3 = System.nanoTime();
                        compositor.pasteBack(composed, frames, driver.transforms());
                        long t4 = System.nanoTime();
                        if (r >= 0) {
                            long[] t = {t0, t1, t2, t3, t4};
                            for (int s = 0; s < STEPS.length; s++) {
                                ms[s][r] = (t[s + 1] - t[s]) / 1e6;
                            }
                        }
                    }
                }
            }
        }
        String precision = options.precision().name().toLowerCase(Locale.ROOT);
        String what = crop + " px crops, " + frame[0] + "x" + frame[1] + " frames";
        double total = 0;
        for (int s = 0; s < STEPS.length; s++) {
            double median = median(ms[s]);
            total += median;
            table.add("compositor", precision, batch, STEPS[s] + ", " + what + " (median of " + repeats + ")", median, "ms/batch");
        }
        table.add("compositor", precision, batch, "all steps, " + what, total / batch, "ms/frame");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
