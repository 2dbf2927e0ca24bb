package org.megaportraits.face.crop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AffineSamplerTest {

    @Test
    void identityMapCopiesAndWholePixelShiftsMove() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            NDArray img = m.arange(24f).reshape(1, 2, 3, 4);
            // (the kernel maps coordinates to [-1, 1] and back: whole-pixel reads are exact to fp32 rounding)
            assertArrayEquals(img.toFloatArray(), AffineSampler.sample(img, List.of(new double[] {1, 0, 0, 0, 1, 0}), 3, 4).toFloatArray(), 1e-5f);
            // output (u, v) reads input (u + 1, v): the last column falls outside and is zero
            float[] shifted = AffineSampler.sample(img, List.of(new double[] {1, 0, 1, 0, 1, 0}), 3, 4).toFloatArray();
            assertEquals(1f, shifted[0], 1e-5f);
            assertEquals(0f, shifted[3], 1e-5f);
            assertEquals(13f, shifted[12], 1e-5f);
            // with a replicated border the outside read gives the edge pixel (column 3 of row 0)
            float[] replicated = AffineSampler.sample(img, List.of(new double[] {1, 0, 1, 0, 1, 0}), null, 3, 4,
                    AffineSampler.Border.REPLICATE).toFloatArray();
            assertEquals(3f, replicated[3], 1e-5f);
            assertEquals(1f, replicated[0], 1e-5f);
            // far outside (10 pixels right and down): the bottom-right pixel of each channel
            float[] corner = AffineSampler.sample(img, List.of(new double[] {1, 0, 10, 0, 1, 10}), null, 1, 1,
                    AffineSampler.Border.REPLICATE).toFloatArray();
            assertArrayEquals(new float[] {11f, 23f}, corner, 1e-5f);
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
            assertArrayEquals(new float[] {0, 20, 40, 60, 0, 20, 40, 60}, picked.toFloatArray(), 1e-5f);
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

    /** PyTorch's kernel against the gather version, for rotated, scaled maps that leave the image, both borders. */
    @ParameterizedTest
    @EnumSource(AffineSampler.Border.class)
    void kernelEqualsTheGatherReferenceInValueAndImageGradient(AffineSampler.Border border) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            NDArray images = m.randomNormal(new Shape(2, 3, 9, 11)).toType(DataType.FLOAT64, false);
            double c = Math.cos(0.4);
            double s = Math.sin(0.4);
            // three maps: image 1, image 0 rotated and enlarged past its edges, image 1 shrunk and shifted
            NDArray maps = m.create(new double[] {1, 0, 0.3, 0, 1, -0.2, 1.7 * c, -1.7 * s, 2, 1.7 * s, 1.7 * c, -3,
                0.6, 0.1, 4.5, -0.1, 0.6, 2.25}, new Shape(3, 6));
            NDArray source = m.create(new int[] {1, 0, 1});
            NDArray weights = m.randomNormal(new Shape(3, 3, 7, 8)).toType(DataType.FLOAT64, false);
            NDArray[] grads = new NDArray[2];
            NDArray[] values = new NDArray[2];
            for (int i = 0; i < 2; i++) {
                NDArray img = images.duplicate();
                img.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray out = i == 0 ? AffineSampler.sampleByGather(img, maps, source, 7, 8, border)
                            : AffineSampler.sample(img, maps, source, 7, 8, border);
                    values[i] = out.stopGradient();
                    gc.backward(out.mul(weights).sum());
                }
                grads[i] = img.getGradient().duplicate();
            }
            assertEquals(new Shape(3, 3, 7, 8), values[1].getShape());
            // the reference computes coordinates and weights in fp32
            assertTrue(values[1].sub(values[0]).abs().max().getDouble() < 1e-5, "values differ");
            assertTrue(grads[1].sub(grads[0]).abs().max().getDouble() < 1e-5, "image gradients differ");
        }
    }
}
