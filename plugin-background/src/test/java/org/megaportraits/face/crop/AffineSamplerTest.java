package org.megaportraits.face.crop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AffineSamplerTest {

    @Test
    void identityMapCopiesAndWholePixelShiftsMove() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            NDArray img = m.arange(24f).reshape(1, 2, 3, 4);
            assertArrayEquals(img.toFloatArray(), AffineSampler.sample(img, List.of(new double[] {1, 0, 0, 0, 1, 0}), 3, 4).toFloatArray());
            // output (u, v) reads input (u + 1, v): the last column falls outside and is zero
            float[] shifted = AffineSampler.sample(img, List.of(new double[] {1, 0, 1, 0, 1, 0}), 3, 4).toFloatArray();
            assertEquals(1f, shifted[0]);
            assertEquals(0f, shifted[3]);
            assertEquals(13f, shifted[12]);
            // with a replicated border the outside read gives the edge pixel (column 3 of row 0)
            float[] replicated = AffineSampler.sample(img, List.of(new double[] {1, 0, 1, 0, 1, 0}), null, 3, 4,
                    AffineSampler.Border.REPLICATE).toFloatArray();
            assertEquals(3f, replicated[3]);
            assertEquals(1f, replicated[0]);
            // far outside (10 pixels right and down): the bottom-right pixel of each channel
            float[] corner = AffineSampler.sample(img, List.of(new double[] {1, 0, 10, 0, 1, 10}), null, 1, 1,
                    AffineSampler.Border.REPLICATE).toFloatArray();
            assertArrayEquals(new float[] {11f, 23f}, corner);
        }
    }

    @Test
    void halfPixelShiftAveragesNeighbours() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            NDArray img = m.create(new float[] {0, 10, 20, 30}, new Shape(1, 1, 1, 4));
            float[] out = AffineSampler.sample(img, List.of(new double[] {1, 0, 0.5, 0, 1, 0}), 1, 3).toFloatArray();
            assertArrayEquals(new float[] {5, 15, 25}, out, 1e-5f);
            // one map per output reading chosen images
            NDArray two = img.concat(img.mul(2), 0);
            NDArray picked = AffineSampler.sample(two, List.of(new double[] {1, 0, 0, 0, 1, 0}, new double[] {1, 0, 0, 0, 1, 0}),
                    new int[] {1, 1}, 1, 4);
            assertArrayEquals(new float[] {0, 20, 40, 60, 0, 20, 40, 60}, picked.toFloatArray());
        }
    }

    @Test
    void gradientIsTheTransposeOfTheBilinearWeights() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            NDArray img = m.zeros(new Shape(1, 1, 2, 2));
            img.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                // one output pixel reading the centre of the four input pixels
                NDArray out = AffineSampler.sample(img, List.of(new double[] {1, 0, 0.5, 0, 1, 0.5}), 1, 1);
                gc.backward(out.sum());
            }
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, img.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void inverseUndoesTheMap() {
        double[] a = {0.8, -0.3, 12, 0.25, 1.1, -4};
        double[] i = AffineSampler.invert(a);
        double x = 3;
        double y = 7;
        double u = a[0] * x + a[1] * y + a[2];
        double v = a[3] * x + a[4] * y + a[5];
        assertEquals(x, i[0] * u + i[1] * v + i[2], 1e-12);
        assertEquals(y, i[3] * u + i[4] * v + i[5], 1e-12);
    }
}
