package org.megaportraits.training.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.megaportraits.nn.bench.ResultsTable;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.weights.WeightsFile;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.training.run.LossLog;
import org.megaportraits.training.stage1.FaceServices;
import org.megaportraits.training.stage1.StepProfile;
import org.megaportraits.training.stage1.Stage1Trainer;

/**
 * Seconds per full stage-1 training step (generator forward of the main and cross pairs, every
 * loss term, backward, AdamW; then the discriminator's step), measured through the public trainer
 * on a synthetic data folder of still images. The perceptual VGG19 and gaze terms run on
 * RANDOM-weight VGG19 / VGG16 files written for the run (their cost does not depend on the
 * values; their losses mean nothing), the identity term on face-api's recognition net (found as the
 * trainer finds it). The first steps are warm-up (allocation, cuDNN algorithm choice) and are not
 * timed; the time of a step includes waiting for data if the loader falls behind. Options:
 * {@code --preset paper-512 --batches 2,4 --warmup 2 --steps 4 --device gpu --workers 8 --precision fp32}
 * (bf16: mixed precision); {@code --devices
 * gpu:0,gpu:1} trains data-parallel over those devices (the batch is the global batch) and prints
 * each step's total generator loss, to compare with a one-device run of the same global batch.
 * Appends to the shared results table when {@code -Dportraits.bench.results=...} is set.
 */
public final class TrainingStepBenchmark {

    private TrainingStepBenchmark() {
    }

    /** Entry point. */
    public static void main(String[] argv) throws IOException {
        // as the training commands do: cuDNN's algorithm search on (-Dai.djl.pytorch.cudnn_benchmark=false turns it off)
        System.setProperty("ai.djl.pytorch.cudnn_benchmark", System.getProperty("ai.djl.pytorch.cudnn_benchmark", "true"));
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        String preset = args.getOrDefault("preset", "paper-512");
        int[] batches = Arrays.stream(args.getOrDefault("batches", "2,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "2"));
        int steps = Integer.parseInt(args.getOrDefault("steps", "4"));
        int workers = Integer.parseInt(args.getOrDefault("workers", "8"));
        ExecutionOptions options = new ExecutionOptions(args.getOrDefault("device", "gpu"),
                Precision.parse(args.getOrDefault("precision", "fp32")), 1);
        Path work = Files.createTempDirectory("training-bench");
        Path data = stills(work.resolve("data"), 8, 640);
        Path vgg19 = randomVgg(work.resolve("vgg19-random.mpwt"), 19);
        Path vgg16 = randomVgg(work.resolve("vgg16-random.mpwt"), 16);
        String device = options.isGpu() ? options.device() + " (compute capability "
                + CudaUtils.getComputeCapability(options.gpuIndex()) + ")"
                : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
        ResultsTable table = new ResultsTable(device);
        System.out.println("training step benchmark: VGG19 and gaze (VGG16) terms use RANDOM weights written for this run");
        for (int b : batches) {
            Path config = config(work.resolve("config-" + b + ".json"), preset, b, warmup + steps, workers, vgg19, vgg16,
                    args.get("devices"));
            List<Long> stamps = new ArrayList<>();
            try (Stage1Trainer t = new Stage1Trainer(config, data, work.resolve("run-" + b), options, FaceServices.NONE)) {
                stamps.add(System.nanoTime());
                try {
                    t.train(warmup + steps, () -> false, s -> {
                        stamps.add(System.nanoTime());
                        if (stamps.size() == warmup + 1) {
                            // the phases of the timed steps only (the first steps search cuDNN's algorithms)
                            StepProfile.reset();
                        }
                    });
                } catch (RuntimeException | Error e) {
                    // what follows the last step (checkpoint, loss plot) does not change the timings
                    if (stamps.size() < warmup + steps + 1) {
                        throw e;
                    }
                    System.out.println("the run failed after its timed steps (timings complete): " + e);
                }
            }
            // one stamp before the first step, one per logged step, one more for the final status
            double[] perStep = new double[steps];
            for (int i = 0; i < steps; i++) {
                perStep[i] = (stamps.get(warmup + i + 1) - stamps.get(warmup + i)) / 1e9;
            }
            Arrays.sort(perStep);
            double median = perStep[steps / 2];
            System.out.printf(Locale.ROOT, "batch %d: seconds per step %s%n", b, Arrays.toString(perStep));
            System.out.printf(Locale.ROOT, "batch %d on %s: g_total per step %s%n", b, args.getOrDefault("devices",
                    options.device()), LossLog.read(work.resolve("run-" + b + "/losses.jsonl")).get("g_total").stream()
                    .map(p -> String.format(Locale.ROOT, "%.4f", p[1])).toList());
            if (StepProfile.enabled()) {
                // booked over the timed steps; each phase waits for the device before it ends
                StringBuilder phases = new StringBuilder("batch " + b + ": mean seconds by phase (synchronised):");
                StepProfile.meanSeconds().forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.3f;", k, v)));
                System.out.println(phases);
                StepProfile.reset();
            }
            table.add("stage-1 training step " + preset, precisionLabel(options), b, "G + D step, all losses (median of " + steps + ")",
                    median, "s/step");
            table.add("stage-1 training step " + preset, precisionLabel(options), b, "examples per second", b / median, "examples/s");
        }
    }

    /** How the results table names the run's precision (bf16 training is mixed: fp32 weights). */
    private static String precisionLabel(ExecutionOptions options) {
        return options.precision() == Precision.FP32 ? "fp32" : "mixed " + options.precision().name().toLowerCase(Locale.ROOT);
    }

    /** Still images of smooth colour fields with a disc, one identity each. */
    private static Path stills(Path dir, int count, int size) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(5);
        for (int k = 0; k < count; k++) {
            BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            int cx = size / 2 + r.nextInt(size / 8);
            int cy = size / 2 + r.nextInt(size / 8);
            int rad = size / 4 + r.nextInt(size / 8);
            int base = r.nextInt(0xffffff);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad;
                    int g = (x * 255 / size) & 0xff;
                    im.setRGB(x, y, in ? 0xe0b090 ^ (y & 0x1f) : (base & 0xff00ff) | (g << 8));
                }
            }
            ImageIO.write(im, "png", dir.resolve(String.format("still-%02d.png", k)).toFile());
        }
        return dir;
    }

    /** A VGG of the given depth in our weights format with He-normal random filters, for timing only. */
    private static Path randomVgg(Path file, int depth) throws IOException {
        int[] widths = depth == 19 ? new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512}
                : new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512};
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), Devices.ENGINE)) {
            Map<String, NDArray> w = new LinkedHashMap<>();
            Random seeded = new Random(depth);
            int index = 0;
            int in = 3;
            for (int width : widths) {
                if (width == 0) {
                    index++;
                    continue;
                }
                // drawn from a fixed seed, so that runs on different device counts see the same weights
                float[] filters = new float[width * in * 9];
                double sd = Math.sqrt(2.0 / (9 * in));
                for (int i = 0; i < filters.length; i++) {
                    filters[i] = (float) (seeded.nextGaussian() * sd);
                }
                w.put("features." + index + ".weight", m.create(filters, new Shape(width, in, 3, 3)));
                w.put("features." + index + ".bias", m.zeros(new Shape(width)));
                in = width;
                index += 2;
            }
            WeightsFile.write(file, w);
        }
        return file;
    }

    private static Path config(Path file, String preset, int batch, int steps, int workers, Path vgg19, Path vgg16,
                               String devices) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("preset", preset);
        if (devices != null) {
            c.putArray("devices").addAll(Arrays.stream(devices.split(",")).map(String::trim)
                    .map(json.getNodeFactory()::textNode).toList());
        }
        c.put("batchSize", batch);
        c.put("steps", steps);
        c.put("seed", 3);
        ObjectNode nets = c.putObject("networks");
        nets.put("vgg19", vgg19.toString());
        nets.put("gaze", vgg16.toString());
        ObjectNode data = c.putObject("data");
        data.put("faces", "precropped");
        data.put("workers", workers);
        data.put("prefetch", 2 * batch + 2);
        ObjectNode run = c.putObject("run");
        run.put("logEvery", 1);
        run.put("sampleEvery", 0);
        run.put("checkpointEvery", 0);
        run.put("keepCheckpoints", 1);
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        return file;
    }
}
