package org.megaportraits.basemodel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.bench.ResultsTable;
import org.megaportraits.nn.layer.Networks;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.warp.GridSampler;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.nn.warp.WarpGrid;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.HeadPose;

/**
 * Speed, memory and size figures of the base model on one device and precision, with random
 * weights (speed does not depend on their values). Runnable without Maven:
 * {@code java -cp <plugin-base-model jar>:<sdk-api jar>:<DJL, PyTorch engine and native jars>:<jackson, slf4j>
 * org.megaportraits.basemodel.bench.BaseModelBenchmark --preset paper-512 --device gpu --precision fp16
 * --batches 1,2,4,8}.
 *
 * <p>Prints: parameters per network; multiply-adds per network (counted from the shapes the
 * convolutions ran on; FLOPs = 2 x MACs) for one avatar encode and per driven frame; ms per avatar
 * encode; ms per driven frame (expression encoder + warp + projection + G2D) at each batch size and
 * frames/s; the time of each network of an encode and of a frame batch on its own, with its
 * counted GFLOP and TFLOP/s ({@code --profile false} skips it); the grid sampler's ms per pass for
 * both gather strategies; memory (GPU: device memory
 * in use as cudaMemGetInfo reports it, which includes PyTorch's cache and so approximates the peak
 * reserved; CPU: the process's peak resident set and the JVM heap).
 */
public final class BaseModelBenchmark {

    private final BaseModelConfig cfg;
    private final Device device;
    private final DataType type;
    private final int[] batches;
    private final int repeats;
    private final boolean samplerBench;
    private final boolean profile;
    private final ResultsTable table;
    private final String bench;
    private final String precision;

    private BaseModelBenchmark(Map<String, String> args) {
        cfg = BaseModelConfig.preset(args.getOrDefault("preset", "small"));
        ExecutionOptions options = new ExecutionOptions(args.getOrDefault("device", "cpu"),
                Precision.parse(args.getOrDefault("precision", "fp32")), 1);
        device = Devices.device(options);
        type = Devices.dataType(options.precision());
        batches = Arrays.stream(args.getOrDefault("batches", "1,2,4").split(",")).mapToInt(Integer::parseInt).toArray();
        repeats = Integer.parseInt(args.getOrDefault("repeats", "3"));
        samplerBench = !"false".equals(args.get("sampler"));
        profile = !"false".equals(args.get("profile"));
        precision = options.precision().name().toLowerCase(Locale.ROOT);
        bench = "base-model " + cfg.name();
        table = new ResultsTable(device.isGpu() ? gpuName(device.getDeviceId())
                : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)");
    }

    private static String gpuName(int id) {
        try {
            return "gpu:" + id + " (compute capability " + CudaUtils.getComputeCapability(id) + ")";
        } catch (RuntimeException | LinkageError e) {
            return "gpu:" + id;
        }
    }

    /** Entry point; {@code --help} lists the options. */
    public static void main(String[] argv) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--help")) {
                System.out.println("options: --preset paper-512|paper-256|small  --device cpu|gpu|gpu:N  "
                        + "--precision fp32|fp16|bf16  --batches 1,2,4,8  --repeats 3  --sampler true|false  --profile true|false");
                return;
            }
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        new BaseModelBenchmark(args).run();
    }

    private void run() throws IOException {
        System.out.printf(Locale.ROOT, "base model benchmark: preset %s (%d px), device %s, %s, batches %s, %d timed repeats%n",
                cfg.name(), cfg.imageSize(), device, type, Arrays.toString(batches), repeats);
        if (device.isGpu()) {
            // DJL reads this once, when the engine starts: cuDNN then times its algorithms per shape
            System.out.println("cuDNN benchmark mode (-Dai.djl.pytorch.cudnn_benchmark): "
                    + Boolean.getBoolean("ai.djl.pytorch.cudnn_benchmark"));
        }
        long memBefore = gpuMemoryUsed();
        try (NDManager manager = NDManager.newBaseManager(device, Devices.ENGINE)) {
            long t0 = System.nanoTime();
            BaseGenerator g = new BaseGenerator(cfg);
            Init.seedAll(NamedParameters.of(g), 1);
            g.initialize(manager, type);
            Networks.prepareInference(g);
            System.out.printf(Locale.ROOT, "initialised in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            printParameters(g);
            ParameterStore store = new ParameterStore(manager, false);
            int s = cfg.imageSize();
            NDArray source = manager.randomUniform(0f, 1f, new Shape(1, 3, s, s)).toType(type, false);
            NDArray theta = RigidPose.stack(manager, List.of(RigidPose.of(HeadPose.FRONTAL).fromCanonical()), DataType.FLOAT32);

            Networks.resetMultiplyAdds(g);
            BaseGenerator.Source avatar = g.encodeSource(store, source, null, theta, source, false);
            Map<String, Long> encodeMacs = macs(g);
            double encodeMs = time(() -> {
                try (NDScope scope = new NDScope()) {
                    sync(g.encodeSource(store, source, null, theta, source, false).volume());
                }
            });
            table.add(bench, precision, 1, "avatar encode", encodeMs, "ms");

            Map<String, Long> frameMacs = null;
            double bestMsPerFrame = Double.MAX_VALUE;
            int bestBatch = 0;
            for (int b : batches) {
                NDArray drivers = manager.randomUniform(0f, 1f, new Shape(b, 3, s, s)).toType(type, false);
                List<double[]> poses = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    poses.add(RigidPose.of(new HeadPose(0.05 * i, 0, 0, 0, 0, 0, 1)).toCanonical());
                }
                NDArray thetaD = RigidPose.stack(manager, poses, DataType.FLOAT32);
                Runnable frame = () -> {
                    try (NDScope scope = new NDScope()) {
                        NDArray z = g.expressionCode(store, drivers, false);
                        sync(g.render(store, avatar.volume(), avatar.descriptor(), z, thetaD, false));
                    }
                };
                if (b == 1) {
                    Networks.resetMultiplyAdds(g);
                    frame.run();
                    frameMacs = macs(g);
                }
                double ms = time(frame) / b;
                if (ms < bestMsPerFrame) {
                    bestMsPerFrame = ms;
                    bestBatch = b;
                }
                table.add(bench, precision, b, "driven frame", ms, "ms/frame");
                table.add(bench, precision, b, "driven frames", 1000 / ms, "frames/s");
                drivers.close();
                thetaD.close();
            }
            table.add(bench, precision, bestBatch, "driven frames, best batch", 1000 / bestMsPerFrame, "frames/s");
            if (profile) {
                profileEncode(g, store, source, theta);
                for (int b : new int[] {batches[0], bestBatch}) {
                    profileFrame(g, store, manager, avatar, b);
                    if (bestBatch == batches[0]) {
                        break;
                    }
                }
            }
            printMacs("per avatar encode", encodeMacs, samplerMacs(2));
            if (frameMacs != null) {
                printMacs("per driven frame", frameMacs, samplerMacs(2));
            }
            if (samplerBench) {
                benchSampler(manager);
            }
            printMemory(memBefore);
        }
    }

    /** One stage of a pass, timed on its own: its network (for the multiply-add count, or null) and its work. */
    private record Stage(String name, Block network, long extraMacs, Supplier<NDArray> work) {
    }

    /**
     * Times each network of an avatar encode on its own (inputs computed beforehand, the device
     * synchronised after each run), with its counted FLOPs and achieved rate.
     */
    private void profileEncode(BaseGenerator g, ParameterStore store, NDArray source, NDArray theta) {
        BaseModelConfig.Volume v = cfg.volume();
        try (NDScope inputs = new NDScope()) {
            NDArray vs = g.appearance().forward(store, new NDList(source), false).head();
            NDArray es = g.descriptor().forward(store, new NDList(source), false).head();
            NDArray zs = g.expressionCode(store, source, false);
            NDArray rigid = WarpGrid.transformed(theta, v.depth(), v.size(), v.size());
            NDArray emb = g.embedding().forward(store, new NDList(es, zs), false).head();
            NDArray toCanonical = g.warpToCanonical().forward(store, new NDList(emb), false).head();
            NDArray rigidSampled = GridSampler.sample(vs, rigid);
            NDArray vc = GridSampler.sample(rigidSampled, toCanonical);
            profile("avatar encode", 1, List.of(
                    new Stage("E_app", g.appearance(), 0, () -> g.appearance().forward(store, new NDList(source), false).head()),
                    new Stage("descriptor (ResNet-50)", g.descriptor(), 0,
                            () -> g.descriptor().forward(store, new NDList(source), false).head()),
                    new Stage("expression (ResNet-18)", g.expression(), 0, () -> g.expressionCode(store, source, false)),
                    new Stage("motion embedding", g.embedding(), 0,
                            () -> g.embedding().forward(store, new NDList(es, zs), false).head()),
                    new Stage("W_s->", g.warpToCanonical(), 0,
                            () -> g.warpToCanonical().forward(store, new NDList(emb), false).head()),
                    new Stage("rigid grid", null, 0, () -> WarpGrid.transformed(theta, v.depth(), v.size(), v.size())),
                    new Stage("grid sampling, rigid", null, samplerMacs(1), () -> GridSampler.sample(vs, rigid)),
                    new Stage("grid sampling, expression", null, samplerMacs(1),
                            () -> GridSampler.sample(rigidSampled, toCanonical)),
                    new Stage("G3D", g.canonical(), 0, () -> g.canonical().forward(store, new NDList(vc), false).head())),
                    () -> g.encodeSource(store, source, null, theta, source, false).volume());
        }
    }

    /** As {@link #profileEncode} for the per-frame networks at batch {@code b}. */
    private void profileFrame(BaseGenerator g, ParameterStore store, NDManager manager, BaseGenerator.Source avatar, int b) {
        BaseModelConfig.Volume v = cfg.volume();
        int s = cfg.imageSize();
        try (NDScope inputs = new NDScope()) {
            NDArray drivers = manager.randomUniform(0f, 1f, new Shape(b, 3, s, s)).toType(type, false);
            List<double[]> poses = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                poses.add(RigidPose.of(new HeadPose(0.05 * i, 0, 0, 0, 0, 0, 1)).toCanonical());
            }
            NDArray thetaD = RigidPose.stack(manager, poses, DataType.FLOAT32);
            NDArray z = g.expressionCode(store, drivers, false);
            NDArray emb = g.embedding().forward(store, new NDList(avatar.descriptor(), z), false).head();
            NDArray grid = g.warpToDriver().forward(store, new NDList(emb), false).head();
            NDArray rigid = WarpGrid.transformed(thetaD, v.depth(), v.size(), v.size());
            NDArray expressed = GridSampler.sample(avatar.volume(), grid);
            NDArray vd = GridSampler.sample(expressed, rigid);
            profile("driven frames", b, List.of(
                    new Stage("expression (ResNet-18)", g.expression(), 0, () -> g.expressionCode(store, drivers, false)),
                    new Stage("motion embedding", g.embedding(), 0,
                            () -> g.embedding().forward(store, new NDList(avatar.descriptor(), z), false).head()),
                    new Stage("W_->d", g.warpToDriver(), 0, () -> g.warpToDriver().forward(store, new NDList(emb), false).head()),
                    new Stage("rigid grid", null, 0, () -> WarpGrid.transformed(thetaD, v.depth(), v.size(), v.size())),
                    new Stage("grid sampling, expression", null, b * samplerMacs(1),
                            () -> GridSampler.sample(avatar.volume(), grid)),
                    new Stage("grid sampling, rigid", null, b * samplerMacs(1), () -> GridSampler.sample(expressed, rigid)),
                    new Stage("projection + G2D", g.decoder(), 0, () -> g.decoder().forward(store, new NDList(vd), false).head())),
                    () -> g.render(store, avatar.volume(), avatar.descriptor(), g.expressionCode(store, drivers, false), thetaD,
                            false));
        }
    }

    private void profile(String pass, int b, List<Stage> stages, Supplier<NDArray> whole) {
        System.out.printf(Locale.ROOT, "time by network, %s, batch %d (each stage alone, synchronised; host: the time to issue"
                + " its work to an idle device, which at or above ms means the stage is bound by its engine calls):%n", pass, b);
        System.out.printf(Locale.ROOT, "  %-28s %10s %10s %10s %8s %10s%n", "stage", "ms", "GFLOP", "TFLOP/s", "share", "host ms");
        double wholeMs = time(() -> {
            try (NDScope scope = new NDScope()) {
                sync(whole.get());
            }
        });
        double wholeHostMs = hostTime(whole);
        double sum = 0;
        for (Stage st : stages) {
            if (st.network() != null) {
                Networks.resetMultiplyAdds(st.network());
            }
            try (NDScope scope = new NDScope()) {
                st.work().get();
            }
            double gflop = 2.0 * ((st.network() == null ? 0 : Networks.multiplyAdds(st.network())) + st.extraMacs()) / 1e9;
            double ms = time(() -> {
                try (NDScope scope = new NDScope()) {
                    sync(st.work().get());
                }
            });
            double hostMs = hostTime(st.work());
            sum += ms;
            System.out.printf(Locale.ROOT, "  %-28s %10.3f %10.1f %10.1f %7.1f%% %10.3f%n", st.name(), ms, gflop,
                    gflop / ms, 100 * ms / wholeMs, hostMs);
            table.add(bench, precision, b, pass + ", time of " + st.name(), ms, "ms");
            table.add(bench, precision, b, pass + ", host time of " + st.name(), hostMs, "ms");
            if (gflop > 1) {
                table.add(bench, precision, b, pass + ", rate of " + st.name(), gflop / ms, "TFLOP/s");
            }
        }
        System.out.printf(Locale.ROOT, "  %-28s %10.3f   (sum of stages %.3f ms) %25.3f%n", "whole pass", wholeMs, sum, wholeHostMs);
        table.add(bench, precision, b, pass + ", host time of the whole pass", wholeHostMs, "ms");
    }

    private void printParameters(BaseGenerator g) {
        System.out.println("parameters:");
        for (var c : g.getChildren()) {
            System.out.printf(Locale.ROOT, "  %-16s %,13d  (%.2f M)%n", name(c.getKey()), NamedParameters.count(c.getValue()),
                    NamedParameters.count(c.getValue()) / 1e6);
        }
        System.out.printf(Locale.ROOT, "  %-16s %,13d  (%.2f M)%n", "total", NamedParameters.count(g), NamedParameters.count(g) / 1e6);
        table.add(bench, precision, 0, "generator parameters", NamedParameters.count(g) / 1e6, "M");
    }

    private static String name(String childKey) {
        return childKey.replaceFirst("^\\d+", "");
    }

    private static Map<String, Long> macs(BaseGenerator g) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (var c : g.getChildren()) {
            long n = Networks.multiplyAdds(c.getValue());
            if (n > 0) {
                m.put(name(c.getKey()), n);
            }
        }
        return m;
    }

    /** Trilinear sampling: 8 multiply-adds per output voxel and channel, {@code passes} volumes. */
    private long samplerMacs(int passes) {
        BaseModelConfig.Volume v = cfg.volume();
        return (long) passes * 8 * v.channels() * v.depth() * v.size() * v.size();
    }

    private void printMacs(String what, Map<String, Long> macs, long sampler) {
        System.out.println("multiply-adds " + what + " (GFLOP = 2 x GMAC):");
        long total = sampler;
        for (Map.Entry<String, Long> e : macs.entrySet()) {
            System.out.printf(Locale.ROOT, "  %-16s %10.3f GMAC  %10.3f GFLOP%n", e.getKey(), e.getValue() / 1e9, 2 * e.getValue() / 1e9);
            total += e.getValue();
        }
        System.out.printf(Locale.ROOT, "  %-16s %10.3f GMAC  %10.3f GFLOP%n", "grid sampling", sampler / 1e9, 2 * sampler / 1e9);
        System.out.printf(Locale.ROOT, "  %-16s %10.3f GMAC  %10.3f GFLOP%n", "total", total / 1e9, 2 * total / 1e9);
        table.add(bench, precision, 1, "compute " + what, 2 * total / 1e9, "GFLOP");
    }

    private void benchSampler(NDManager manager) {
        BaseModelConfig.Volume v = cfg.volume();
        NDArray vol = manager.randomNormal(new Shape(1, v.channels(), v.depth(), v.size(), v.size())).toType(type, false);
        for (int b : new int[] {1, batches[batches.length - 1]}) {
            NDArray grid = manager.randomUniform(-1f, 1f, new Shape(b, v.depth(), v.size(), v.size(), 3));
            for (GridSampler.Strategy st : GridSampler.Strategy.values()) {
                double ms = time(() -> {
                    try (NDScope scope = new NDScope()) {
                        sync(GridSampler.sample(vol, grid, st));
                    }
                });
                table.add(bench, precision, b, "grid sample pass, " + st.name().toLowerCase(Locale.ROOT), ms, "ms");
            }
            grid.close();
        }
        vol.close();
    }

    /**
     * Median wall time of {@code repeats} runs, in ms, after warm-up runs for at least one second
     * (at least three, at most fifty): a batch-1 pass is bound by the host's engine calls, which
     * run at their steady speed only once the JIT has compiled them.
     */
    private double time(Runnable r) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < 50 && (i < 3 || System.nanoTime() - warmStart < 1_000_000_000L); i++) {
            r.run();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /**
     * Median time for the host to issue {@code work} to an idle device: the call's own time, the
     * device synchronised after each (not timed) so that the next starts with nothing queued.
     */
    private double hostTime(Supplier<NDArray> work) {
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            try (NDScope scope = new NDScope()) {
                long t = System.nanoTime();
                NDArray out = work.get();
                ms[r] = (System.nanoTime() - t) / 1e6;
                sync(out);
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** Waits for the device: reading one value forces pending kernels to finish. */
    private static void sync(NDArray a) {
        a.get(0).flatten().get(0).toType(DataType.FLOAT32, false).getFloat();
    }

    private long gpuMemoryUsed() {
        if (!device.isGpu()) {
            return 0;
        }
        try {
            return CudaUtils.getGpuMemory(device).getUsed();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private void printMemory(long gpuBefore) throws IOException {
        Runtime rt = Runtime.getRuntime();
        if (device.isGpu() && gpuBefore >= 0 && gpuMemoryUsed() >= 0) {
            long used = gpuMemoryUsed();
            // cudaMemGetInfo includes PyTorch's cache, so this is about the peak reserved
            table.add(bench, precision, batches[batches.length - 1], "GPU memory in use after the runs",
                    (used - gpuBefore) / 1073741824.0, "GiB");
        }
        String peak = "n/a";
        String rss = "n/a";
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    peak = line.substring(6).trim();
                } else if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).trim();
                }
            }
        }
        System.out.printf(Locale.ROOT, "process peak resident memory %s (now %s); JVM heap used %.0f MiB of %.0f MiB%n",
                peak, rss, (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.maxMemory() / 1048576.0);
        if (peak.endsWith(" kB")) {
            table.add(bench, precision, batches[batches.length - 1], "process peak resident memory",
                    Long.parseLong(peak.replace(" kB", "").trim()) / 1048576.0, "GiB");
        }
    }
}
