package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.training.config.ConfigLoader;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.data.Augmenter;
import org.megaportraits.training.data.CentreCropper;
import org.megaportraits.training.data.Example;
import org.megaportraits.training.data.FolderSource;
import org.megaportraits.training.data.PairSampler;
import org.megaportraits.training.data.TestClips;

/** A tiny stage-1 set-up for tests: three 64 px clips and the small preset without pretrained networks. */
final class TinyRun {

    private TinyRun() {
    }

    /** Writes three clips into {@code dir}. */
    static Path data(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestClips.movingSquare(dir.resolve("a.mp4"), 64, 6, 230);
        TestClips.movingSquare(dir.resolve("b.mp4"), 64, 6, 60);
        TestClips.movingSquare(dir.resolve("c.mp4"), 64, 6, 140);
        return dir;
    }

    /** A configuration file of {@code steps} steps at batch {@code batch}. */
    static Path config(Path file, long steps, int batch, String... devices) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("preset", "small");
        c.put("batchSize", batch);
        c.put("steps", steps);
        c.put("seed", 11);
        c.putArray("devices").addAll(java.util.Arrays.stream(devices).map(json.getNodeFactory()::textNode).toList());
        ObjectNode losses = c.putObject("losses");
        losses.put("vgg", 0);
        losses.put("identity", 0);
        losses.put("gaze", 0);
        ObjectNode d = c.putObject("discriminator");
        d.put("width", 8);
        d.put("blocks", 3);
        ObjectNode data = c.putObject("data");
        data.put("faces", "precropped");
        data.put("prefetch", 2);
        data.putObject("augmentation").put("expressionSize", 32);
        ObjectNode run = c.putObject("run");
        run.put("logEvery", 1);
        run.put("sampleEvery", 2);
        run.put("checkpointEvery", 100);
        run.put("sampleRows", 2);
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        return file;
    }

    /**
     * The pieces of a step without a trainer, on the CPU: the tiny data and configuration (in
     * {@code dir}), a root manager, the sampler and a {@link Stage1Step}. Replicas made by
     * {@link #replica} start from the same weights (the configuration's seed).
     */
    static final class Parts implements AutoCloseable {
        final Stage1Config cfg;
        final BaseModelConfig model;
        final NDManager root;
        final Stage1Step step;
        private final FolderSource source;
        private final PairSampler sampler;

        Parts(Path dir, long steps, int batch) throws Exception {
            Path data = TinyRun.data(dir.resolve("data"));
            cfg = ConfigLoader.load(TinyRun.config(dir.resolve("c.json"), steps, batch));
            model = BaseModelConfig.preset(cfg.preset());
            root = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
            source = FolderSource.open(data);
            sampler = new PairSampler(source, () -> new CentreCropper(model.imageSize()),
                    new Augmenter(cfg.data().augmentation()), cfg.seed(), 100);
            step = new Stage1Step(cfg);
        }

        /** The first batch of {@code n} examples. */
        List<Example> batch(int n) {
            return sampler.batch(0, n);
        }

        /** A new replica on the CPU. */
        Replica replica() {
            return Replica.create(model, cfg, Device.cpu(), root, false);
        }

        @Override
        public void close() throws Exception {
            sampler.closeCroppers();
            step.close();
            source.close();
            root.close();
        }
    }
}
