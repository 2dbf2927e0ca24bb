package org.megaportraits.training.metric;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.face.net.FaceRecognitionNet;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.layer.Networks;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.training.checkpoint.Checkpoint;
import org.megaportraits.training.checkpoint.CheckpointStore;
import org.megaportraits.training.checkpoint.ParameterValues;
import org.megaportraits.training.config.ConfigLoader;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.data.CroppedFrame;
import org.megaportraits.training.data.FolderSource;
import org.megaportraits.training.data.FrameCropper;
import org.megaportraits.training.data.Planar;
import org.megaportraits.training.loss.Foreground;
import org.megaportraits.training.loss.IdentityLoss;
import org.megaportraits.training.run.AtomicFiles;
import org.megaportraits.training.run.SampleGrid;
import org.megaportraits.training.stage1.FaceServices;
import org.megaportraits.nn.tensor.Scalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a stage-1 checkpoint on held-out data. Self-reenactment: for every video (or frame
 * folder), its first frame is the source and {@value #DRIVERS} frames spread over it are drivers
 * and ground truth: PSNR and SSIM of the output against the driver, both composited on the
 * foreground with the driver's matte as in training, and identity similarity (CSIM, face-api's
 * recognition net) of output and driver. The copy-the-source baseline scores the source itself
 * the same way. Cross-reenactment: every identity's source driven by the next identity's middle
 * frame: CSIM of output and source (no ground truth exists). LPIPS when a network is configured.
 * Sample grids of both kinds are written beside the report.
 */
public final class Stage1Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(Stage1Evaluator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DRIVERS = 4;
    private static final int GRID_ROWS = 6;

    private record Pair(int sourceIdentity, int sourceFrame, int driverIdentity, int driverFrame) {
    }

    private Stage1Evaluator() {
    }

    /**
     * Runs an evaluation.
     *
     * @throws InvalidInputException if the checkpoint or data is unusable
     */
    public static EvaluationReport evaluate(EvaluationSpec spec, FaceServices faces) {
        Path dir = resolve(spec.checkpoint());
        Device device = Devices.device(spec.options());
        int batch = spec.options().batchSize();
        try (NDManager root = NDManager.newBaseManager(device, Devices.ENGINE);
             FolderSource data = FolderSource.open(spec.data())) {
            Checkpoint c = CheckpointStore.load(dir, root);
            BaseModelConfig model = BaseModelConfig.fromJson(c.state().path("model"));
            Stage1Config cfg = spec.config() != null ? ConfigLoader.load(spec.config())
                    : ConfigLoader.parse(c.state().path("config"), dir + "/state.json");
            BaseGenerator g = new BaseGenerator(model);
            g.initialize(root, DataType.FLOAT32);
            ParameterValues.assign(NamedParameters.of(g), c.tensors().get("generator"), "checkpoint " + dir);
            c.tensors().values().forEach(group -> group.values().forEach(NDArray::close));
            Networks.prepareInference(g);
            ParameterStore store = new ParameterStore(root, false);
            IdentityLoss identity = identity(cfg, root);
            Model lpips = lpips(cfg, device);
            List<Double> colour = cfg.losses().foregroundColour();
            Foreground fg = new Foreground(new float[] {colour.get(0).floatValue(), colour.get(1).floatValue(),
                colour.get(2).floatValue()});
            double crop = cfg.data().augmentation().expressionCrop();
            Path reportDir = spec.report() == null ? null : spec.report().toAbsolutePath().getParent();
            try (FrameCropper cropper = faces.croppers(cfg.data().faces(), model.imageSize()).get()) {
                Map<Long, Optional<CroppedFrame>> cache = new HashMap<>();
                Sums sums = new Sums();
                List<Pair> self = selfPairs(data);
                List<Pair> cross = crossPairs(data);
                run(self, true, batch, data, cropper, cache, g, store, fg, crop, identity, lpips, root, sums,
                        reportDir == null ? null : reportDir.resolve("eval-self.png"));
                run(cross, false, batch, data, cropper, cache, g, store, fg, crop, identity, lpips, root, sums,
                        reportDir == null ? null : reportDir.resolve("eval-cross.png"));
                if (sums.count("self") + sums.count("cross") == 0) {
                    throw new InvalidInputException("no pair of " + spec.data() + " could be measured: the face pipeline "
                            + "found no face in the frames they need", "evaluate on videos where the face is visible");
                }
                Map<String, Double> metrics = sums.means();
                EvaluationReport report = new EvaluationReport(c.step(), sums.count("self"), sums.count("cross"), metrics);
                if (spec.report() != null) {
                    ObjectNode json = JSON.createObjectNode();
                    json.put("checkpoint", dir.toString());
                    json.put("step", c.step());
                    json.put("data", spec.data().toString());
                    json.put("selfPairs", report.selfPairs());
                    json.put("crossPairs", report.crossPairs());
                    json.put("selfPairsSkipped", sums.count("self skipped"));
                    json.put("crossPairsSkipped", sums.count("cross skipped"));
                    metrics.forEach(json.putObject("metrics")::put);
                    AtomicFiles.writeString(spec.report(), json.toPrettyString());
                }
                LOG.info("evaluation of {} (step {}) on {}: {} self pairs, {} cross pairs: {}", dir, c.step(),
                        spec.data(), report.selfPairs(), report.crossPairs(), metrics);
                return report;
            } finally {
                if (lpips != null) {
                    lpips.close();
                }
            }
        }
    }

    /** A run folder's newest checkpoint, or the folder itself if it is one. */
    static Path resolve(Path p) {
        if (p == null || !Files.isDirectory(p)) {
            throw new InvalidInputException("checkpoint " + p + " does not exist", "pass a run folder or a checkpoint folder");
        }
        Optional<Path> latest = new CheckpointStore(p, Integer.MAX_VALUE).latest();
        return latest.orElse(p);
    }

    private static IdentityLoss identity(Stage1Config cfg, NDManager m) {
        try {
            String dir = cfg.networks().faceApi();
            FaceApiPackage pkg = dir == null ? FaceApiPackage.locate() : FaceApiPackage.at(Path.of(dir));
            return new IdentityLoss(FaceRecognitionNet.load(pkg, m), m);
        } catch (ModelUnavailableException e) {
            LOG.warn("no CSIM figures: {}", e.getMessage());
            return null;
        }
    }

    private static Model lpips(Stage1Config cfg, Device device) {
        String file = cfg.networks().lpips();
        if (file == null) {
            return null;
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new ModelUnavailableException("LPIPS network " + p + " does not exist",
                    "fix networks.lpips in the configuration, or remove it");
        }
        Model model = Model.newInstance("lpips", device, Devices.ENGINE);
        try {
            model.load(p.toAbsolutePath().getParent(), p.getFileName().toString());
            return model;
        } catch (Exception e) {
            model.close();
            throw new ModelUnavailableException("LPIPS network " + p + " is not loadable TorchScript: " + e.getMessage(),
                    "save it with torch.jit.script or torch.jit.trace", e);
        }
    }

    private static List<Pair> selfPairs(FolderSource data) {
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < data.identities(); i++) {
            int n = data.frames(i);
            if (n < 2) {
                continue;
            }
            for (int k = 1; k <= DRIVERS; k++) {
                int f = Math.max(1, (int) Math.round((double) k * (n - 1) / DRIVERS));
                out.add(new Pair(i, 0, i, f));
            }
        }
        return out;
    }

    private static List<Pair> crossPairs(FolderSource data) {
        List<Pair> out = new ArrayList<>();
        int n = data.identities();
        if (n < 2) {
            return out;
        }
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            out.add(new Pair(i, 0, j, data.frames(j) / 2));
        }
        return out;
    }

    private static void run(List<Pair> pairs, boolean self, int batch, FolderSource data, FrameCropper cropper,
                            Map<Long, Optional<CroppedFrame>> cache, BaseGenerator g, ParameterStore store, Foreground fg,
                            double crop, IdentityLoss identity, Model lpips, NDManager root, Sums sums, Path grid) {
        String kind = self ? "self" : "cross";
        List<List<RgbImage>> columns = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int from = 0; from < pairs.size(); from += batch) {
            List<Pair> chunk = pairs.subList(from, Math.min(pairs.size(), from + batch));
            List<CroppedFrame> sources = new ArrayList<>();
            List<CroppedFrame> drivers = new ArrayList<>();
            for (Pair p : chunk) {
                Optional<CroppedFrame> source = frame(data, cropper, cache, p.sourceIdentity, p.sourceFrame);
                Optional<CroppedFrame> driver = frame(data, cropper, cache, p.driverIdentity, p.driverFrame);
                if (source.isEmpty() || driver.isEmpty()) {
                    // a pair is measured only where the face pipeline finds both faces
                    LOG.warn("{} pair skipped: no face in frame {} of {}", kind,
                            source.isEmpty() ? p.sourceFrame : p.driverFrame,
                            data.name(source.isEmpty() ? p.sourceIdentity : p.driverIdentity));
                    sums.skip(kind);
                    continue;
                }
                sources.add(source.get());
                drivers.add(driver.get());
            }
            if (sources.isEmpty()) {
                continue;
            }
            try (NDManager m = root.newSubManager()) {
                NDArray src = images(sources, false, m);
                NDArray srcMatte = images(sources, true, m);
                NDArray drv = images(drivers, false, m);
                NDArray drvMatte = images(drivers, true, m);
                NDArray fromCanonical = poses(sources, true, m);
                NDArray toCanonical = poses(drivers, false, m);
                BaseGenerator.Source s = g.encodeSource(store, src, srcMatte, fromCanonical, centre(src, crop), false);
                NDArray z = g.expressionCode(store, centre(drv, crop), false);
                NDArray out = g.render(store, s.volume(), s.descriptor(), z, toCanonical, false);
                NDArray outFg = fg.composite(out, drvMatte);
                List<double[]> drvLandmarks = drivers.stream().map(CroppedFrame::landmarks).toList();
                List<double[]> srcLandmarks = sources.stream().map(CroppedFrame::landmarks).toList();
                if (self) {
                    NDArray target = fg.composite(drv, drvMatte);
                    NDArray copy = fg.composite(src, drvMatte);
                    sums.add("self.psnr", Psnr.perImage(outFg, target));
                    sums.add("self.ssim", Ssim.perImage(outFg, target));
                    sums.add("baseline.self.psnr", Psnr.perImage(copy, target));
                    sums.add("baseline.self.ssim", Ssim.perImage(copy, target));
                    sums.add("self.l1", perImageL1(outFg, target));
                    if (identity != null) {
                        sums.add("self.csim", identity.similarity(outFg, drvLandmarks, target, drvLandmarks));
                        sums.add("baseline.self.csim", identity.similarity(fg.composite(src, srcMatte), srcLandmarks,
                                target, drvLandmarks));
                    }
                    if (lpips != null) {
                        sums.add("self.lpips", lpips.getBlock().forward(new ParameterStore(m, false),
                                new NDList(outFg, target), false).head().toType(DataType.FLOAT32, false).toFloatArray());
                    }
                } else if (identity != null) {
                    sums.add("cross.csim", identity.similarity(outFg, drvLandmarks, fg.composite(src, srcMatte), srcLandmarks));
                }
                sums.count(kind, sources.size());
                if (grid != null && columns.get(0).size() < GRID_ROWS) {
                    columns.get(0).addAll(NDImageBatch.toHost(src));
                    columns.get(1).addAll(NDImageBatch.toHost(drv));
                    columns.get(2).addAll(NDImageBatch.toHost(out));
                }
            }
        }
        if (grid != null && !columns.get(0).isEmpty()) {
            int rows = Math.min(GRID_ROWS, columns.get(0).size());
            SampleGrid.write(grid, List.of("source", "driver", "output"),
                    columns.stream().map(col -> col.subList(0, rows)).toList());
        }
    }

    private static float[] perImageL1(NDArray a, NDArray b) {
        long n = a.getShape().get(0);
        return a.sub(b).abs().reshape(n, -1).mean(new int[] {1}).toFloatArray();
    }

    private static Optional<CroppedFrame> frame(FolderSource data, FrameCropper cropper,
                                                Map<Long, Optional<CroppedFrame>> cache, int identity, int index) {
        long key = ((long) identity << 32) | index;
        return cache.computeIfAbsent(key, k -> cropper.crop(data.frame(identity, index)));
    }

    private static NDArray images(List<CroppedFrame> frames, boolean mattes, NDManager m) {
        Planar first = mattes ? frames.get(0).matte() : frames.get(0).image();
        int per = first.data().length;
        float[] all = new float[per * frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            Planar p = mattes ? frames.get(i).matte() : frames.get(i).image();
            System.arraycopy(p.data(), 0, all, i * per, per);
        }
        return Scalars.owned(m.create(all, new Shape(frames.size(), first.channels(), first.height(), first.width())));
    }

    private static NDArray poses(List<CroppedFrame> frames, boolean fromCanonical, NDManager m) {
        List<double[]> matrices = new ArrayList<>();
        for (CroppedFrame f : frames) {
            RigidPose p = RigidPose.of(f.pose());
            matrices.add(fromCanonical ? p.fromCanonical() : p.toCanonical());
        }
        return Scalars.owned(RigidPose.stack(m, matrices, DataType.FLOAT32));
    }

    private static NDArray centre(NDArray images, double fraction) {
        long s = images.getShape().get(3);
        long side = Math.max(1, Math.round(s * fraction));
        long off = (s - side) / 2;
        return images.get(":, :, " + off + ":" + (off + side) + ", " + off + ":" + (off + side));
    }

    /** Running sums of per-pair figures. */
    private static final class Sums {
        private final Map<String, double[]> sums = new LinkedHashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();

        void add(String key, float[] values) {
            double[] s = sums.computeIfAbsent(key, k -> new double[2]);
            for (float v : values) {
                s[0] += v;
                s[1]++;
            }
        }

        void count(String kind, int n) {
            counts.merge(kind, n, Integer::sum);
        }

        int count(String kind) {
            return counts.getOrDefault(kind, 0);
        }

        void skip(String kind) {
            counts.merge(kind + " skipped", 1, Integer::sum);
        }

        Map<String, Double> means() {
            Map<String, Double> out = new LinkedHashMap<>();
            sums.forEach((k, s) -> out.put(k, s[1] == 0 ? Double.NaN : s[0] / s[1]));
            return out;
        }
    }
}
