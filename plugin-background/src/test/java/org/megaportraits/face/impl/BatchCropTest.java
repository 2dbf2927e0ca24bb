package org.megaportraits.face.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.crop.AffineSampler;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.CropTransform;

/** The tracker's batched crops equal one crop per frame cut as {@link AffineSampler#resample} cuts it. */
class BatchCropTest {

    @Test
    void batchedCropsEqualCropsCutOneByOne() {
        try (NDManager m = NDManager.newBaseManager(Devices.device(ExecutionOptions.CPU), Devices.ENGINE)) {
            NDArray frames = m.randomUniform(0f, 1f, new Shape(3, 3, 90, 120));
            int size = 16;
            // shrinks 1.5 (no pooling), 3.2 (pooled by 3) and 2.4 (pooled by 2), in that order
            List<CropTransform> t = List.of(
                    new CropTransform(1.5, 0, 10, 0, 1.5, 5, size, 120, 90),
                    new CropTransform(3.2, 0.1, -4, -0.1, 3.2, 20, size, 120, 90),
                    new CropTransform(2.4, 0, 60, 0, 2.4, 40, size, 120, 90));
            float[] batched = FaceSession.cutBatch(frames, t, size).toFloatArray();
            for (int i = 0; i < t.size(); i++) {
                CropTransform c = t.get(i);
                NDArray one = AffineSampler.resample(frames.get(i).expandDims(0),
                        new double[] {c.a00(), c.a01(), c.a02(), c.a10(), c.a11(), c.a12()}, size, size, AffineSampler.Border.REPLICATE);
                float[] expected = one.toFloatArray();
                float[] got = new float[expected.length];
                System.arraycopy(batched, i * expected.length, got, 0, expected.length);
                assertArrayEquals(expected, got, 1e-5f, "crop " + i);
            }
        }
    }
}
