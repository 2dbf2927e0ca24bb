package org.megaportraits.face.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.junit.jupiter.api.Test;

/** TensorFlow's padding rules and weight layouts, checked against sums done by hand. */
class FaceApiBlockTest {

    @Test
    void samePaddingWithStrideTwoPadsTheEndOnly() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            // 4 x 4 input 0..15, 3 x 3 kernel of ones, stride 2, 'same': TF pads 0 before and 1 after
            NDArray x = m.arange(16f).reshape(1, 1, 4, 4);
            NDArray k = m.ones(new Shape(1, 1, 3, 3));
            float[] out = FaceApiBlock.conv(x, k, null, 2, true, 1).toFloatArray();
            // windows rows/cols {0,1,2} and {2,3,pad}
            float w00 = 0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10;
            float w01 = 2 + 3 + 6 + 7 + 10 + 11;
            float w10 = 8 + 9 + 10 + 12 + 13 + 14;
            float w11 = 10 + 11 + 14 + 15;
            assertArrayEquals(new float[] {w00, w01, w10, w11}, out);
            // stride 1 'same' pads one pixel on each side: the corner sums four pixels
            assertEquals(0 + 1 + 4 + 5, FaceApiBlock.conv(x, k, null, 1, true, 1).toFloatArray()[0]);
            // 'valid' pads nothing
            assertEquals(new Shape(1, 1, 1, 1), FaceApiBlock.conv(x, k, null, 2, false, 1).getShape());
        }
    }

    @Test
    void tensorflowFiltersBecomePytorchLayouts() {
        // [kh=1, kw=2, in=2, out=3] with value = 1000*y + 100*x + 10*i + o
        float[] v = new float[12];
        for (int x = 0; x < 2; x++) {
            for (int i = 0; i < 2; i++) {
                for (int o = 0; o < 3; o++) {
                    v[(x * 2 + i) * 3 + o] = 100 * x + 10 * i + o;
                }
            }
        }
        TfjsWeights.Tensor t = new TfjsWeights.Tensor("f", new long[] {1, 2, 2, 3}, v);
        float[] p = FaceApiBlock.convFilter(t, null);
        assertEquals(new Shape(3, 2, 1, 2), FaceApiBlock.convShape(t));
        // PyTorch [o][i][y][x]
        assertEquals(100 * 1 + 10 * 1 + 2, p[((2 * 2 + 1) * 1 + 0) * 2 + 1]);
        assertEquals(10 * 1 + 0, p[((0 * 2 + 1) * 1 + 0) * 2 + 0]);
        TfjsWeights.Tensor d = new TfjsWeights.Tensor("d", new long[] {1, 2, 3, 1}, new float[] {0, 1, 2, 10, 11, 12});
        // PyTorch [c][1][y][x]: channel 2 holds 2 (x=0) and 12 (x=1), times its scale
        assertArrayEquals(new float[] {0, 10, 2, 22, 6, 36}, FaceApiBlock.depthwiseFilter(d, new float[] {1, 2, 3}));
        TfjsWeights.Tensor fc = new TfjsWeights.Tensor("fc", new long[] {2, 3}, new float[] {0, 1, 2, 10, 11, 12});
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12}, FaceApiBlock.denseWeights(fc));
    }

    @Test
    void weightsAreFrozenButInitialiseKeepsThem() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            FaceLandmark68Net net = FaceLandmark68Net.load(FaceApiPackage.locate(), m);
            Parameter first = net.getParameters().get(0).getValue();
            float before = first.getArray().toFloatArray()[0];
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 112, 112));
            assertEquals(before, first.getArray().toFloatArray()[0]);
            assertEquals(false, first.requiresGradient());
            // 356,840 stored weights: every one is a parameter (no folding in this net)
            assertEquals(356_840, net.weightCount());
        }
    }
}
