package org.megaportraits.basemodel.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.nn.weights.ModelFolder;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.reenact.Avatar;
import org.megaportraits.sdk.reenact.DrivingOptions;
import org.megaportraits.sdk.reenact.DrivingOptions.Framing;
import org.megaportraits.sdk.reenact.DrivingOptions.Mode;
import org.megaportraits.sdk.reenact.Motion;
import org.megaportraits.sdk.reenact.ReenactmentModel;

/** The service end to end on the small preset, as the host's reenact command drives it. */
class BaseReenactmentModelTest {

    private static final HeadPose SOURCE_POSE = new HeadPose(0.1, -0.05, 0.02, 0.03, -0.02, 0, 1.0);
    private static final List<HeadPose> DRIVER_POSES = List.of(
            new HeadPose(-0.2, 0.1, 0, 0.05, 0, 0, 1.1),
            new HeadPose(0.3, 0, -0.1, -0.04, 0.02, 0.01, 0.9),
            new HeadPose(0, 0, 0, 0, 0, 0, 1));

    private BaseReenactmentModel model;

    @BeforeEach
    void start() {
        model = new BaseReenactmentModel();
        model.activate(Map.of("preset", "small"));
    }

    @AfterEach
    void stop() {
        model.deactivate();
    }

    /** A synthetic crop: smooth colour gradients and a bright disc, different per seed. */
    static RgbImage crop(int side, int seed) {
        byte[] px = new byte[side * side * 3];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double dx = x - side * (0.5 + 0.05 * seed);
                double dy = y - side * 0.45;
                boolean disc = dx * dx + dy * dy < side * side / 10.0;
                for (int c = 0; c < 3; c++) {
                    int v = disc ? 200 - 30 * c : (x * (c + 1) * 255 / side + y * 80 / side + 40 * seed) % 256;
                    px[(y * side + x) * 3 + c] = (byte) v;
                }
            }
        }
        return new RgbImage(side, side, px);
    }

    static ImageBatch batch(int side, int... seeds) {
        List<RgbImage> l = new ArrayList<>();
        for (int s : seeds) {
            l.add(crop(side, s));
        }
        return ImageBatch.ofHost(l);
    }

    private static float maxDiff(ImageBatch a, ImageBatch b) {
        NDArray x = a.unwrap(NDArray.class).orElseThrow();
        NDArray y = b.unwrap(NDArray.class).orElseThrow();
        return x.sub(y).abs().max().getFloat();
    }

    @Test
    void withoutAModelFolderTheDescriptorSaysTheWeightsAreUntrained() {
        assertFalse(model.descriptor().trained());
        assertEquals(64, model.descriptor().resolution());
        assertEquals("megaportraits-base", model.descriptor().architecture());
    }

    @Test
    void encodesOnceAndRendersABatchOfDriverFrames() {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU.withBatchSize(2))) {
            assertEquals(64, s.resolution());
            try (Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                    Motion motion = s.extractMotion(batch(64, 1, 2, 3), DRIVER_POSES);
                    ImageBatch out = s.render(avatar, motion, DrivingOptions.ABSOLUTE_DRIVER)) {
                assertEquals(SOURCE_POSE, avatar.sourcePose());
                assertEquals(3, out.size());
                assertEquals(3, out.channels());
                assertEquals(64, out.width());
                assertEquals(64, out.height());
                assertEquals("cpu", out.device());
                NDArray t = out.unwrap(NDArray.class).orElseThrow();
                assertTrue(t.min().getFloat() >= 0f && t.max().getFloat() <= 1f);
                // each frame rendered on its own equals its row of the batch (batch 2 splits 3 frames as 2 + 1)
                for (int i = 0; i < 3; i++) {
                    try (Motion one = motion.frame(i); ImageBatch single = s.render(avatar, one, DrivingOptions.ABSOLUTE_DRIVER)) {
                        NDArray row = t.get(i + ":" + (i + 1));
                        float d = row.sub(single.unwrap(NDArray.class).orElseThrow()).abs().max().getFloat();
                        assertTrue(d < 1e-5f, "frame " + i + " differs from its batch row by " + d);
                    }
                }
            }
        }
    }

    /** As the reenact job's model stage calls it on a GPU: two threads, one session, one avatar, batches at once. */
    @Test
    void twoThreadsDrivingOneSessionAtOnceGetWhatOneThreadGets() throws Exception {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU.withBatchSize(3));
                Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null)) {
            assertTrue(s.acceptsConcurrentCalls());
            int[][] seeds = {{1, 2, 3}, {4, 5, 6}};
            List<float[]> alone = new ArrayList<>();
            for (int[] batch : seeds) {
                alone.add(drive(s, avatar, batch));
            }
            for (int round = 0; round < 2; round++) {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.CompletableFuture<float[]>> together = new ArrayList<>();
                for (int[] batch : seeds) {
                    together.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return drive(s, avatar, batch);
                    }));
                }
                start.countDown();
                for (int i = 0; i < seeds.length; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(alone.get(i), together.get(i).join(), 1e-6f,
                            "batch " + i + " driven beside another");
                }
            }
        }
    }

    private static float[] drive(ReenactmentModel.Session s, Avatar avatar, int... seeds) {
        try (Motion motion = s.extractMotion(batch(64, seeds), DRIVER_POSES);
                ImageBatch out = s.render(avatar, motion, DrivingOptions.ABSOLUTE_DRIVER)) {
            return out.unwrap(NDArray.class).orElseThrow().toFloatArray();
        }
    }

    @Test
    void driverCropsOfAnotherSizeAreResizedForTheExpressionEncoder() {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU);
                Motion m = s.extractMotion(batch(128, 1, 2), DRIVER_POSES.subList(0, 2))) {
            assertEquals(2, m.size());
        }
    }

    @Test
    void relativeDrivingFromTheSourceItselfEqualsAbsoluteDriving() {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU.withBatchSize(4));
                Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Motion self = s.extractMotion(batch(64, 0), List.of(SOURCE_POSE));
                Motion drivers = s.extractMotion(batch(64, 1, 2, 3), DRIVER_POSES);
                ImageBatch absolute = s.render(avatar, drivers, DrivingOptions.ABSOLUTE_DRIVER);
                ImageBatch relative = s.render(avatar, drivers, new DrivingOptions(Framing.DRIVER, Mode.RELATIVE, self))) {
            // reference = source: R_d R_s^T R_s = R_d, t_s + t_d - t_s = t_d, z_s + z_d - z_s = z_d
            assertTrue(maxDiff(absolute, relative) < 1e-4f, "differ by " + maxDiff(absolute, relative));
        }
    }

    @Test
    void relativeDrivingWithoutChangeSinceTheReferenceRendersTheSourcesOwnMotion() {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU);
                Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Motion self = s.extractMotion(batch(64, 0), List.of(SOURCE_POSE));
                Motion driver = s.extractMotion(batch(64, 2), List.of(DRIVER_POSES.get(1)));
                ImageBatch still = s.render(avatar, driver, new DrivingOptions(Framing.DRIVER, Mode.RELATIVE, driver));
                ImageBatch reconstruction = s.render(avatar, self, DrivingOptions.ABSOLUTE_DRIVER)) {
            assertTrue(maxDiff(still, reconstruction) < 1e-4f, "differ by " + maxDiff(still, reconstruction));
        }
    }

    @Test
    void sourceFramingKeepsTheSourcesScaleAndTranslation() {
        List<HeadPose> reframed = DRIVER_POSES.stream().map(p -> p.withFramingOf(SOURCE_POSE)).toList();
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU.withBatchSize(3));
                Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Motion drivers = s.extractMotion(batch(64, 1, 2, 3), DRIVER_POSES);
                Motion moved = s.extractMotion(batch(64, 1, 2, 3), reframed);
                ImageBatch framed = s.render(avatar, drivers, new DrivingOptions(Framing.SOURCE, Mode.ABSOLUTE, null));
                ImageBatch expected = s.render(avatar, moved, DrivingOptions.ABSOLUTE_DRIVER);
                ImageBatch driverFramed = s.render(avatar, drivers, DrivingOptions.ABSOLUTE_DRIVER)) {
            assertTrue(maxDiff(framed, expected) < 1e-5f);
            assertTrue(maxDiff(framed, driverFramed) > 1e-4f, "framing had no effect");
        }
    }

    @Test
    void aMaskChangesTheAvatar() {
        RgbImage half = new RgbImage(64, 64, new byte[64 * 64 * 3]);
        byte[] m = half.rgb();
        for (int i = 0; i < m.length / 2; i++) {
            m[i] = (byte) 255;
        }
        try (ai.djl.ndarray.NDManager mm = ai.djl.ndarray.NDManager.newBaseManager(Devices.engine().defaultDevice(), Devices.ENGINE);
                ReenactmentModel.Session s = model.open(ExecutionOptions.CPU);
                Motion drivers = s.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1));
                Avatar plain = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                ImageBatch matte = NDImageBatch.wrap(mm, NDImageBatch.fromHost(List.of(half), mm).get(":, 0:1"));
                Avatar masked = s.encodeAvatar(batch(64, 0), SOURCE_POSE, matte);
                ImageBatch a = s.render(plain, drivers, null);
                ImageBatch b = s.render(masked, drivers, null)) {
            assertTrue(maxDiff(a, b) > 1e-4f);
        }
    }

    @Test
    void halfPrecisionRendersCloseToFullPrecision() {
        try (ReenactmentModel.Session full = model.open(ExecutionOptions.CPU);
                ReenactmentModel.Session half = model.open(ExecutionOptions.CPU.withPrecision(Precision.FP16));
                Avatar a32 = full.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Avatar a16 = half.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Motion m32 = full.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1));
                Motion m16 = half.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1));
                ImageBatch o32 = full.render(a32, m32, null);
                ImageBatch o16 = half.render(a16, m16, null)) {
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, o16.unwrap(NDArray.class).orElseThrow().getDataType());
            float d = maxDiff(o32, o16);
            assertTrue(d < 0.05f, "fp16 differs from fp32 by " + d);
        }
    }

    @Test
    void badInputIsRefusedWithARemedy() {
        try (ReenactmentModel.Session s = model.open(ExecutionOptions.CPU)) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> s.encodeAvatar(batch(32, 0), SOURCE_POSE, null));
            assertTrue(e.getMessage().contains("64x64"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> s.extractMotion(batch(64, 1, 2), DRIVER_POSES));
            assertThrows(InvalidInputException.class,
                    () -> s.encodeAvatar(batch(64, 0), new HeadPose(0, 0, 0, 0, 0, 0, 0), null));
            try (ReenactmentModel.Session other = model.open(ExecutionOptions.CPU);
                    Avatar foreign = other.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                    Motion m = s.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1))) {
                assertThrows(InvalidInputException.class, () -> s.render(foreign, m, null));
            }
        }
        assertThrows(InvalidInputException.class, () -> model.open(ExecutionOptions.CPU.withPrecision(Precision.BF16)));
    }

    @Test
    void anOpenSessionKeepsItsWeightsWhenTheComponentIsDeactivated() {
        ReenactmentModel.Session s = model.open(ExecutionOptions.CPU);
        LoadedModel weights = ((BaseSession) s).model();
        try (Avatar avatar = s.encodeAvatar(batch(64, 0), SOURCE_POSE, null)) {
            model.deactivate();
            assertThrows(ModelUnavailableException.class, () -> model.open(ExecutionOptions.CPU));
            assertFalse(weights.isFreed());
            try (Motion m = s.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1)); ImageBatch out = s.render(avatar, m, null)) {
                assertEquals(1, out.size());
            }
        } finally {
            s.close();
        }
        assertTrue(weights.isFreed());
        model.activate(Map.of("preset", "small"));
    }

    @Test
    void aModelFolderIsLoadedAndChecked(@TempDir Path dir) throws IOException {
        BaseModelConfig cfg = BaseModelConfig.preset("small");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Devices.engine().defaultDevice(), Devices.ENGINE)) {
            BaseGenerator g = new BaseGenerator(cfg);
            Init.seedAll(NamedParameters.of(g), BaseReenactmentModel.UNTRAINED_SEED);
            g.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
            ModelFolder.write(dir, "test-model", "1", WeightSource.ARCHITECTURE, cfg.toJson(), cfg.imageSize(), true,
                    NamedParameters.of(g));
        }
        BaseReenactmentModel fromFolder = new BaseReenactmentModel();
        fromFolder.activate(Map.of("model.dir", dir.toString()));
        assertTrue(fromFolder.descriptor().trained());
        assertEquals("test-model", fromFolder.descriptor().name());
        // same seed, same weights: the folder's model renders exactly what the seeded one does
        try (ReenactmentModel.Session a = model.open(ExecutionOptions.CPU);
                ReenactmentModel.Session b = fromFolder.open(ExecutionOptions.CPU);
                Avatar av = a.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Avatar bv = b.encodeAvatar(batch(64, 0), SOURCE_POSE, null);
                Motion am = a.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1));
                Motion bm = b.extractMotion(batch(64, 1), DRIVER_POSES.subList(0, 1));
                ImageBatch ao = a.render(av, am, null);
                ImageBatch bo = b.render(bv, bm, null)) {
            assertEquals(0f, maxDiff(ao, bo));
        } finally {
            fromFolder.deactivate();
        }
        // one flipped byte in the weights: refused at activation, naming the checksum
        Path weights = dir.resolve(ModelFolder.WEIGHTS);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 1000);
            b.flip();
            b.put(0, (byte) (b.get(0) ^ 1));
            ch.write(b, 1000);
        }
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> new BaseReenactmentModel().activate(Map.of("model.dir", dir.toString())));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        Files.delete(weights);
        e = assertThrows(ModelUnavailableException.class,
                () -> new BaseReenactmentModel().activate(Map.of("model.dir", dir.toString())));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(e.remedy().isEmpty());
    }
}
