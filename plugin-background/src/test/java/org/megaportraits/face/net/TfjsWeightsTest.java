package org.megaportraits.face.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.sdk.ModelUnavailableException;

/** The TensorFlow.js weight reader on hand-made manifests, and the errors for missing or damaged files. */
class TfjsWeightsTest {

    @TempDir
    Path dir;

    @Test
    void decodesQuantisedAndPlainTensorsAcrossShards() throws IOException {
        ByteBuffer a = ByteBuffer.allocate(4 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        a.put((byte) 0).put((byte) 1).put((byte) 2).put((byte) 255); // uint8, scale 0.5, min -1
        a.putFloat(3.25f); // float32
        a.putShort((short) 1000).putShort((short) 0x3C00); // uint16 scale 0.01 min 0 ; float16 1.0
        Files.write(dir.resolve("s1.bin"), java.util.Arrays.copyOf(a.array(), 6));
        Files.write(dir.resolve("s2.bin"), java.util.Arrays.copyOfRange(a.array(), 6, 12));
        Files.writeString(dir.resolve("m.json"), """
                [{"paths": ["s1.bin", "s2.bin"], "weights": [
                  {"name": "q8", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
                  {"name": "f", "shape": [], "dtype": "float32"},
                  {"name": "q16", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.01, "min": 0}},
                  {"name": "h", "shape": [1], "dtype": "float32", "quantization": {"dtype": "float16"}}
                ]}]""");
        TfjsWeights w = TfjsWeights.read(dir.resolve("m.json"), p -> p);
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 126.5f}, w.get("q8").values());
        assertArrayEquals(new long[] {2, 2}, w.get("q8").shape());
        assertArrayEquals(new float[] {3.25f}, w.get("f").values());
        assertEquals(10f, w.get("q16").values()[0], 1e-5);
        assertEquals(1f, w.get("h").values()[0]);
    }

    @Test
    void halfPrecisionCoversNormalsSubnormalsAndSigns() {
        assertEquals(-2f, TfjsWeights.halfToFloat((short) 0xC000));
        assertEquals(65504f, TfjsWeights.halfToFloat((short) 0x7BFF));
        assertEquals((float) Math.pow(2, -24), TfjsWeights.halfToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, TfjsWeights.halfToFloat((short) 0x7C00));
    }

    @Test
    void aShortShardIsReportedAsDamaged() throws IOException {
        Files.write(dir.resolve("s.bin"), new byte[3]);
        Files.writeString(dir.resolve("m.json"), """
                [{"paths": ["s.bin"], "weights": [{"name": "w", "shape": [4], "dtype": "float32",
                  "quantization": {"dtype": "uint8", "scale": 1, "min": 0}}]}]""");
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> TfjsWeights.read(dir.resolve("m.json"), p -> p));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(e.remedy().contains("fetch-face-api.sh"), e.remedy());
    }

    @Test
    void aMissingShardNamesTheFetchCommand() throws IOException {
        Files.writeString(dir.resolve("m.json"), """
                [{"paths": ["gone.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "float32"}]}]""");
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> TfjsWeights.read(dir.resolve("m.json"), p -> p));
        assertTrue(e.getMessage().contains("gone.bin"), e.getMessage());
        assertTrue(e.remedy().contains("npm pack @vladmandic/face-api@1.7.15"), e.remedy());
    }

    @Test
    void aMissingPackageNamesTheFetchCommand() {
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> FaceApiPackage.at(dir.resolve("nowhere")));
        assertTrue(e.remedy().contains("scripts/fetch-face-api.sh"), e.remedy());
        assertTrue(e.remedy().contains(FaceApiPackage.PROPERTY), e.remedy());
    }

    @Test
    void aTamperedWeightFileFailsItsChecksum() throws IOException {
        Path model = Files.createDirectories(dir.resolve("package/model"));
        Path real = FaceApiPackage.locate().root().resolve("model");
        Files.copy(real.resolve("face_landmark_68_model-weights_manifest.json"), model.resolve("face_landmark_68_model-weights_manifest.json"));
        byte[] bin = Files.readAllBytes(real.resolve("face_landmark_68_model.bin"));
        bin[1000] ^= 1;
        Files.write(model.resolve("face_landmark_68_model.bin"), bin);
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> FaceApiPackage.at(dir.resolve("package")).weights("face_landmark_68_model"));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void theRealManifestsLoadWithTheExpectedSizes() {
        FaceApiPackage pkg = FaceApiPackage.locate();
        // every weight of the landmark net is used as is: 356,840 bytes of uint8 weights
        assertEquals(356_840, total(pkg.weights("face_landmark_68_model")));
        TfjsWeights rec = pkg.weights("face_recognition_model");
        assertArrayEquals(new long[] {256, 128}, rec.get("fc").shape());
        assertArrayEquals(new long[] {1, 5118, 4}, pkg.weights("ssd_mobilenetv1_model").get("Output/extra_dim").shape());
    }

    private static long total(TfjsWeights w) {
        long n = 0;
        for (String name : w.names()) {
            n += TfjsWeights.Tensor.count(w.get(name).shape());
        }
        return n;
    }
}
