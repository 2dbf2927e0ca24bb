package org.megaportraits.basemodel.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.layer.Networks;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.nn.weights.ModelFolder;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.HeadPose;

/**
 * Runs the base model with the same seeded weights and the same inputs on the CPU in fp32 (the
 * reference) and on another device and precision, and prints {@code ||x - ref|| / ||ref||} for
 * each output: the avatar volume, the descriptor, both expression codes and the rendered frames.
 * Exits with status 1 when an error exceeds the bound of the precision (fp32 1e-4, which needs
 * TF32 off on the GPU: {@code NVIDIA_TF32_OVERRIDE=0}; fp16 and bf16 1e-2). For fp16 and bf16 it
 * also prints the error of a CPU fp32 run whose weights alone were rounded to that type: the part
 * of the error that comes from the network's sensitivity, not from the device's arithmetic. Options:
 * {@code --preset paper-256 --device gpu --precision fp32|fp16|bf16 --batch 2 --seed 7}, or
 * {@code --model DIR} for a model folder's (trained) weights and configuration instead of a seeded preset.
 */
public final class DeviceAgreementCheck {

    private DeviceAgreementCheck() {
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        ModelFolder model = args.containsKey("model") ? ModelFolder.open(Path.of(args.get("model")), "megaportraits-base") : null;
        BaseModelConfig cfg = model != null ? BaseModelConfig.fromJson(model.descriptor().config())
                : BaseModelConfig.preset(args.getOrDefault("preset", "paper-256"));
        String weights = model != null ? "weights of " + model.descriptor().name() : "weights (seed 1)";
        Precision precision = Precision.parse(args.getOrDefault("precision", "fp32"));
        ExecutionOptions options = new ExecutionOptions(args.getOrDefault("device", "gpu"), precision, 1);
        int batch = Integer.parseInt(args.getOrDefault("batch", "2"));
        long seed = Long.parseLong(args.getOrDefault("seed", "7"));
        Inputs in = Inputs.random(cfg.imageSize(), batch, seed);

        long t0 = System.nanoTime();
        Map<String, float[]> reference = run(cfg, model, Device.cpu(), DataType.FLOAT32, DataType.FLOAT32, in);
        System.out.printf(Locale.ROOT, "cpu fp32 reference: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        Device device = Devices.device(options);
        DataType type = Devices.dataType(precision);
        Map<String, float[]> other = run(cfg, model, device, type, type, in);
        System.out.printf(Locale.ROOT, "%s %s: %.1f s%n", device, precision, (System.nanoTime() - t0) / 1e9);

        double bound = precision == Precision.FP32 ? 1e-4 : 1e-2;
        boolean ok = true;
        System.out.printf(Locale.ROOT, "%s, %s %s vs cpu fp32, same %s and inputs (seed %d), batch %d:%n",
                cfg.name(), device, precision, weights, seed, batch);
        for (Map.Entry<String, float[]> e : reference.entrySet()) {
            double err = relativeError(other.get(e.getKey()), e.getValue());
            boolean pass = err < bound;
            ok &= pass;
            System.out.printf(Locale.ROOT, "  %-22s ||x-ref||/||ref|| = %.3e  (bound %.0e) %s%n", e.getKey(), err, bound,
                    pass ? "ok" : "EXCEEDED");
        }
        if (precision != Precision.FP32) {
            // how much of that the network's own sensitivity explains: the CPU in fp32 with only
            // the weights rounded to the half type (no half-precision arithmetic anywhere)
            Map<String, float[]> rounded = run(cfg, model, Device.cpu(), DataType.FLOAT32, type, in);
            System.out.printf(Locale.ROOT, "cpu fp32 with the weights rounded to %s (network sensitivity to that rounding alone):%n",
                    precision);
            for (Map.Entry<String, float[]> e : reference.entrySet()) {
                System.out.printf(Locale.ROOT, "  %-22s ||x-ref||/||ref|| = %.3e%n", e.getKey(),
                        relativeError(rounded.get(e.getKey()), e.getValue()));
            }
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /** The same inputs for every device: host arrays drawn from one seed. */
    private record Inputs(int size, int batch, float[] source, float[] drivers, List<double[]> driverPoses) {
        static Inputs random(int size, int batch, long seed) {
            Random r = new Random(seed);
            float[] source = new float[3 * size * size];
            float[] drivers = new float[batch * 3 * size * size];
            for (int i = 0; i < source.length; i++) {
                source[i] = r.nextFloat();
            }
            for (int i = 0; i < drivers.length; i++) {
                drivers[i] = r.nextFloat();
            }
            List<double[]> poses = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                poses.add(RigidPose.of(new HeadPose(0.1 * i, -0.05 * i, 0.02 * i, 0.01 * i, 0, 0, 1)).toCanonical());
            }
            return new Inputs(size, batch, source, drivers, poses);
        }
    }

    /** Encodes and renders on a device in {@code type}, with weights rounded to {@code weightType} first. */
    private static Map<String, float[]> run(BaseModelConfig cfg, ModelFolder model, Device device, DataType type,
            DataType weightType, Inputs in) {
        try (NDManager m = NDManager.newBaseManager(device, Devices.ENGINE)) {
            BaseGenerator g = new BaseGenerator(cfg);
            if (model != null) {
                model.weights().assignTo(NamedParameters.of(g));
            } else {
                Init.seedAll(NamedParameters.of(g), 1);
            }
            g.initialize(m, type);
            if (weightType != type) {
                roundWeights(g, weightType);
            }
            Networks.prepareInference(g);
            ParameterStore store = new ParameterStore(m, false);
            int s = in.size();
            NDArray source = m.create(in.source(), new Shape(1, 3, s, s)).toType(type, false);
            NDArray drivers = m.create(in.drivers(), new Shape(in.batch(), 3, s, s)).toType(type, false);
            NDArray thetaS = RigidPose.stack(m, List.of(RigidPose.of(new HeadPose(0.1, 0.05, 0, 0, 0, 0, 1)).fromCanonical()),
                    DataType.FLOAT32);
            NDArray thetaD = RigidPose.stack(m, in.driverPoses(), DataType.FLOAT32);
            BaseGenerator.Source avatar = g.encodeSource(store, source, null, thetaS, source, false);
            NDArray zd = g.expressionCode(store, drivers, false);
            NDArray image = g.render(store, avatar.volume(), avatar.descriptor(), zd, thetaD, false);
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put("avatar volume (G3D)", host(avatar.volume()));
            out.put("descriptor e_s", host(avatar.descriptor()));
            out.put("expression z_s", host(avatar.expression()));
            out.put("expression z_d", host(zd));
            out.put("rendered frames", host(image));
            return out;
        }
    }

    /** Replaces every weight of {@code g} by its value rounded to {@code type} (kept in g's own type). */
    private static void roundWeights(BaseGenerator g, DataType type) {
        for (Parameter p : NamedParameters.of(g).values()) {
            NDArray a = p.getArray();
            a.set(a.toType(type, false).toType(a.getDataType(), false).toFloatArray());
        }
    }

    private static float[] host(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
    }

    private static double relativeError(float[] x, float[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = (double) x[i] - ref[i];
            diff += d * d;
            norm += (double) ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }
}
