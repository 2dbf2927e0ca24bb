package org.megaportraits.background.paste;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.image.RgbImage;

/** Pasting a batch at once gives what pasting frame by frame gives. */
class PasteAllTest {

    @Test
    void batchedPasteEqualsOneByOne() {
        int width = 160;
        int height = 120;
        java.util.Random r = new java.util.Random(5);
        List<RgbImage> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] px = new byte[width * height * 3];
            r.nextBytes(px);
            frames.add(new RgbImage(width, height, px));
        }
        int size = 32;
        // crops of different places, scales and a slight turn, one partly outside the frame
        List<CropTransform> t = List.of(
                new CropTransform(2.0, 0, 10, 0, 2.0, 20, size, width, height),
                new CropTransform(1.5, 0.2, 70, -0.2, 1.5, 30, size, width, height),
                new CropTransform(2.5, 0, 100, 0, 2.5, 60, size, width, height));
        try (NDManager m = NDManager.newBaseManager(Devices.device(ExecutionOptions.CPU), Devices.ENGINE)) {
            NDArray crops = m.randomUniform(0f, 1f, new Shape(3, 3, size, size));
            List<RgbImage> all = PasteBack.pasteAll(crops, frames, t);
            int changed = 0;
            for (int i = 0; i < 3; i++) {
                RgbImage one = PasteBack.paste(crops.get(i).expandDims(0), frames.get(i), t.get(i));
                byte[] a = all.get(i).rgb();
                byte[] b = one.rgb();
                for (int k = 0; k < a.length; k++) {
                    assertTrue(Math.abs((a[k] & 0xff) - (b[k] & 0xff)) <= 1, "frame " + i + " byte " + k);
                    changed += a[k] != frames.get(i).rgb()[k] ? 1 : 0;
                }
                assertEquals(width, all.get(i).width());
            }
            assertTrue(changed > 3 * 30 * 30 * 3, "the crops were pasted: " + changed + " bytes changed");
        }
    }
}
