package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
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

    /**
     * Uploaded images are plain N x C x H x W in memory, not a channels-last view of the interleaved
     * bytes: PyTorch would carry that layout into every convolution (other cuDNN paths, seconds of
     * first calls for the face detector on a GPU). DJL has no public stride query; its JNI's own
     * contiguity check is asked through reflection.
     */
    @Test
    void uploadedImagesArePlanarInMemory() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Devices.engine().defaultDevice(), Devices.ENGINE)) {
            NDArray t = NDImageBatch.fromHost(List.of(random(7, 5, 3), random(7, 5, 4)), m);
            assertTrue(contiguous(t), "uploaded batch is not contiguous N x C x H x W");
            // the check itself tells a transposed view apart
            assertFalse(contiguous(t.transpose(0, 2, 3, 1)));
            assertEquals(random(7, 5, 4).get(6, 4, 2) / 255f, t.getFloat(1, 2, 4, 6), 1e-6);
        }
    }

    /**
     * On a GPU the upload buffer is reused by the next upload of the thread: the first batch must
     * already be on the device by then (the engine copies before returning).
     */
    @Test
    void aSecondUploadLeavesTheFirstIntactOnAGpu() {
        assumeTrue(Devices.engine().getGpuCount() > 0, "needs a GPU");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.gpu(), Devices.ENGINE)) {
            List<RgbImage> a = List.of(random(9, 6, 11), random(9, 6, 12));
            NDArray first = NDImageBatch.fromHost(a, m);
            NDArray second = NDImageBatch.fromHost(List.of(random(9, 6, 13), random(9, 6, 14)), m);
            try (NDImageBatch back = NDImageBatch.wrap(m, first)) {
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i).rgb(), back.toHost().get(i).rgb());
                }
            }
            assertEquals(random(9, 6, 14).get(8, 5, 2) / 255f, second.getFloat(1, 2, 5, 8), 1e-6);
        }
    }

    private static boolean contiguous(NDArray a) throws Exception {
        Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        Field instance = lib.getDeclaredField("LIB");
        instance.setAccessible(true);
        Method check = lib.getDeclaredMethod("torchIsContiguous", long.class);
        check.setAccessible(true);
        long handle = (Long) a.getClass().getMethod("getHandle").invoke(a);
        return (Boolean) check.invoke(instance.get(null), handle);
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
