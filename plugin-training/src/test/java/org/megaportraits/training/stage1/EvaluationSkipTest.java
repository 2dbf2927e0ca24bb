package org.megaportraits.training.stage1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceBox;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.HostImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.training.EvaluationReport;
import org.megaportraits.sdk.training.EvaluationSpec;
import org.megaportraits.sdk.training.Stage;
import org.megaportraits.training.data.TestClips;
import org.megaportraits.training.metric.Stage1Evaluator;

/** Evaluation measures the pairs whose frames have faces and counts the others, and fails when none is left. */
class EvaluationSkipTest {

    @TempDir
    Path dir;

    /** Finds one "face" (the whole frame) in frames that are not black; aligns by resizing the frame. */
    private static final class BrightFrameFaces implements FaceAnalyzer, FaceAnalyzer.Session {
        @Override
        public Session open(ExecutionOptions options) {
            return this;
        }

        @Override
        public List<Face> detect(RgbImage frame) {
            long sum = 0;
            for (byte b : frame.rgb()) {
                sum += b & 0xff;
            }
            if (sum < 10L * frame.rgb().length) {
                return List.of();
            }
            double[] landmarks = new double[2 * Face.LANDMARKS];
            for (int i = 0; i < Face.LANDMARKS; i++) {
                landmarks[2 * i] = frame.width() * (0.3 + 0.4 * i / Face.LANDMARKS);
                landmarks[2 * i + 1] = frame.height() * (0.3 + 0.4 * ((i * 7) % Face.LANDMARKS) / Face.LANDMARKS);
            }
            return List.of(new Face(new FaceBox(0, 0, frame.width(), frame.height(), 1), landmarks, HeadPose.FRONTAL));
        }

        @Override
        public float[] embed(RgbImage frame, Face face) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AlignedFaces align(List<RgbImage> frames, List<Face> faces, int cropSize) {
            List<RgbImage> crops = new ArrayList<>();
            List<CropTransform> transforms = new ArrayList<>();
            for (RgbImage f : frames) {
                byte[] rgb = new byte[cropSize * cropSize * 3];
                for (int y = 0; y < cropSize; y++) {
                    for (int x = 0; x < cropSize; x++) {
                        int sx = x * f.width() / cropSize;
                        int sy = y * f.height() / cropSize;
                        System.arraycopy(f.rgb(), 3 * (sy * f.width() + sx), rgb, 3 * (y * cropSize + x), 3);
                    }
                }
                crops.add(new RgbImage(cropSize, cropSize, rgb));
                double k = (double) f.width() / cropSize;
                transforms.add(new CropTransform(k, 0, 0, 0, k, 0, cropSize, f.width(), f.height()));
            }
            return new AlignedFaces(new HostImageBatch(crops), faces, faces.stream().map(Face::pose).toList(),
                    transforms, faces.stream().map(x -> true).toList());
        }

        @Override
        public FaceTracker track(int cropSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    /** A textured frame around {@code value}; black when it is 0. */
    private static RgbImage flat(int size, int value) {
        byte[] rgb = new byte[size * size * 3];
        for (int i = 0; value > 0 && i < rgb.length; i++) {
            rgb[i] = (byte) (value + (i % 3) * 20 + (i / (3 * size)) % 17);
        }
        return new RgbImage(size, size, rgb);
    }

    @Test
    void pairsWithoutAFaceAreSkippedAndCountedAndNoPairAtAllIsAnError() throws Exception {
        Path train = Files.createDirectories(dir.resolve("train"));
        TestClips.movingSquare(train.resolve("a.mp4"), 64, 6, 230);
        TestClips.movingSquare(train.resolve("b.mp4"), 64, 6, 60);
        Path runDir = dir.resolve("run");
        try (Stage1Trainer t = new Stage1Trainer(TinyRun.config(dir.resolve("c.json"), 1, 2), train, runDir,
                ExecutionOptions.CPU, FaceServices.NONE)) {
            t.train(1, () -> false, s -> { });
        }
        // held-out clips of 8 frames: in "a" the last frame is black (no face), which is the driver of one self pair
        Path heldOut = Files.createDirectories(dir.resolve("heldout"));
        RgbImage[] a = new RgbImage[8];
        RgbImage[] b = new RgbImage[8];
        for (int i = 0; i < 8; i++) {
            a[i] = i == 7 ? flat(64, 0) : flat(64, 90 + 5 * i);
            b[i] = flat(64, 120 + 5 * i);
        }
        TestClips.write(heldOut.resolve("a.mp4"), a);
        TestClips.write(heldOut.resolve("b.mp4"), b);
        Path config = dir.resolve("eval.json");
        Files.writeString(config, Files.readString(runDir.resolve("config.json")).replace("\"precropped\"", "\"pipeline\""));
        FaceServices fake = new FaceServices(new BrightFrameFaces(), null);
        Path report = dir.resolve("eval/report.json");
        EvaluationReport r = Stage1Evaluator.evaluate(new EvaluationSpec(Stage.BASE, runDir, config, heldOut, report,
                ExecutionOptions.CPU.withBatchSize(4)), fake);
        assertEquals(2 * 4 - 1, r.selfPairs());
        assertEquals(2, r.crossPairs());
        assertTrue(Files.readString(report).contains("\"selfPairsSkipped\" : 1"), Files.readString(report));
        assertTrue(Double.isFinite(r.metrics().get("self.psnr")));

        // nothing but black frames: no pair can be measured
        Path dark = Files.createDirectories(dir.resolve("dark"));
        RgbImage[] black = new RgbImage[4];
        java.util.Arrays.fill(black, flat(64, 0));
        TestClips.write(dark.resolve("a.mp4"), black);
        TestClips.write(dark.resolve("b.mp4"), black);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Stage1Evaluator.evaluate(
                new EvaluationSpec(Stage.BASE, runDir, config, dark, null, ExecutionOptions.CPU), fake));
        assertTrue(e.getMessage().contains("could be measured"), e.getMessage());
    }
}
