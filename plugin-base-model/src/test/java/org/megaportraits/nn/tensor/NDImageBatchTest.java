package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

class NDImageBatchTest {

    private static RgbImage random(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new Random(seed).nextBytes(px);
        return new RgbImage(w, h, px);
    }

    @Test
    void hostImagesSurviveUploadAndDownloadExactly() {
        List<RgbImage> images = List.of(random(7, 5, 1), random(7, 5, 2));
        try (NDManager m = NDManager.newBaseManager(Devices.engine().defaultDevice(), Devices.ENGINE)) {
            NDArray t = NDImageBatch.toTensor(ImageBatch.ofHost(images), m);
            assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 5, 7), t.getShape());
            assertEquals(images.get(0).get(3, 2, 1) / 255f, t.getFloat(0, 1, 2, 3), 1e-6);
            try (NDImageBatch batch = NDImageBatch.wrap(m, t)) {
                List<RgbImage> back = batch.toHost();
                for (int i = 0; i < images.size(); i++) {
                    assertArrayEquals(images.get(i).rgb(), back.get(i).rgb());
                }
            }
        }
    }

    @Test
    void aBatchOnTheSameDeviceIsPassedOnWithoutACopy() {
        try (NDManager m = NDManager.newBaseManager(Devices.engine().defaultDevice(), Devices.ENGINE)) {
            try (NDImageBatch batch = NDImageBatch.wrap(m, m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 4, 4)))) {
                assertSame(batch.tensor(), NDImageBatch.toTensor(batch, m));
            }
        }
    }
}
