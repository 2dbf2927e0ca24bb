package org.megaportraits.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.nn.weights.WeightsFile;
import org.megaportraits.sdk.ModelUnavailableException;

class VggFeaturesTest {

    @TempDir
    Path dir;

    @Test
    void tapsRelu1To5OfVgg19AtTorchvisionIndices() throws Exception {
        // zero filters and bias b at features.i: every conv outputs b, so relu_k_1 equals the bias of the
        // first conv after the k-th pooling: torchvision indices 0, 5, 10, 19, 28
        int[] convIndices = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28};
        int[] widths = {64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> w = new LinkedHashMap<>();
            int in = 3;
            for (int i = 0; i < convIndices.length; i++) {
                w.put("features." + convIndices[i] + ".weight", m.zeros(new Shape(widths[i], in, 3, 3)));
                w.put("features." + convIndices[i] + ".bias", m.full(new Shape(widths[i]), convIndices[i] + 1f));
                in = widths[i];
            }
            w.put("classifier.0.weight", m.zeros(new Shape(2, 2)));
            Path file = dir.resolve("vgg19.mpwt");
            WeightsFile.write(file, w);
            try (VggFeatures vgg = VggFeatures.load(file, 19, m)) {
                NDList f = vgg.features(m.randomUniform(0, 1, new Shape(1, 3, 32, 32)));
                assertEquals(5, f.size());
                int[] expectedBias = {1, 6, 11, 20, 29};
                int[] expectedSide = {32, 16, 8, 4, 2};
                int[] expectedWidth = {64, 128, 256, 512, 512};
                for (int k = 0; k < 5; k++) {
                    assertEquals(new Shape(1, expectedWidth[k], expectedSide[k], expectedSide[k]), f.get(k).getShape());
                    assertEquals(expectedBias[k], f.get(k).min().getFloat(), 0);
                    assertEquals(expectedBias[k], f.get(k).max().getFloat(), 0);
                }
            }
            w.remove("features.28.bias");
            WeightsFile.write(file, w);
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> VggFeatures.load(file, 19, m));
            assertTrue(e.getMessage().contains("features.28.bias"), e.getMessage());
        }
    }
}
