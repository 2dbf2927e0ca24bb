package org.megaportraits.face.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.tensor.MixedPrecision;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The 68-point landmark net of face-api: four densely connected blocks of four convolutions each
 * (the first a plain 3 x 3 conv, the others depthwise-separable), each block halving the
 * resolution (112 -> 56 -> 28 -> 14 -> 7) with 32, 64, 128 and 256 channels, a 7 x 7 average pool
 * and a fully connected layer to 136 numbers.
 *
 * <p>Input: N x 3 x 112 x 112 RGB in [0, 1], a square crop around a face. Output: N x 136, the
 * landmarks as {@code x0, y0, x1, y1, ...} in [0, 1] of the crop (iBUG 68-point order).
 */
public final class FaceLandmark68Net extends FaceApiBlock {

    /** The input side. */
    public static final int INPUT_SIZE = 112;

    private static final String MANIFEST = "face_landmark_68_model";

    /** Mean RGB the net subtracts, in [0, 1] (face-api's 122.782, 117.001, 104.298 over 255). */
    static final float[] MEAN_RGB = {122.782f / 255f, 117.001f / 255f, 104.298f / 255f};

    /** One conv of a dense block: depthwise part (absent for the very first conv), pointwise part, bias. */
    private record Sep(Parameter depthwise, Parameter pointwise, Parameter bias) {
    }

    private final List<Sep> convs = new ArrayList<>();
    private final Parameter fcWeight;
    private final Parameter fcBias;
    /**
     * MEAN_RGB as 1 x 3 x 1 x 1 on the weights' device, made once (a copy from the host per call
     * would wait for the device's queue); not a parameter of the net.
     */
    private final NDArray mean;

    private FaceLandmark68Net(NDManager m, TfjsWeights w) {
        mean = m.create(MEAN_RGB, new Shape(1, 3, 1, 1));
        for (int block = 0; block < 4; block++) {
            for (int c = 0; c < 4; c++) {
                String p = "dense" + block + "/conv" + c;
                TfjsWeights.Tensor b = w.get(p + "/bias");
                Parameter bias = parameter(m, p + ".bias", b.values(), new Shape(b.values().length));
                if (block == 0 && c == 0) {
                    TfjsWeights.Tensor f = w.get(p + "/filters");
                    convs.add(new Sep(null, parameter(m, p + ".weight", convFilter(f, null), convShape(f)), bias));
                } else {
                    TfjsWeights.Tensor d = w.get(p + "/depthwise_filter");
                    TfjsWeights.Tensor q = w.get(p + "/pointwise_filter");
                    convs.add(new Sep(parameter(m, p + ".depthwise", depthwiseFilter(d, null), depthwiseShape(d)),
                            parameter(m, p + ".pointwise", convFilter(q, null), convShape(q)), bias));
                }
            }
        }
        TfjsWeights.Tensor fw = w.get("fc/weights");
        TfjsWeights.Tensor fb = w.get("fc/bias");
        fcWeight = parameter(m, "fc.weight", denseWeights(fw), new Shape(fw.shape()[1], fw.shape()[0]));
        fcBias = parameter(m, "fc.bias", fb.values(), new Shape(fb.values().length));
    }

    /**
     * Loads the landmark net's weights from the package onto {@code manager}'s device.
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if the weights are missing or damaged
     */
    public static FaceLandmark68Net load(FaceApiPackage pkg, NDManager manager) {
        return new FaceLandmark68Net(manager, pkg.weights(MANIFEST));
    }

    private NDArray apply(ParameterStore ps, Sep s, NDArray x, int stride, boolean training) {
        NDArray bias = value(ps, s.bias, x, training);
        if (s.depthwise == null) {
            return conv(x, value(ps, s.pointwise, x, training), bias, stride, true, 1);
        }
        NDArray dw = value(ps, s.depthwise, x, training);
        NDArray y = conv(x, dw, null, stride, true, (int) dw.getShape().get(0));
        return conv(y, value(ps, s.pointwise, x, training), bias, 1, true, 1);
    }

    /** A dense block: every conv sees the sum of all earlier outputs of the block. */
    private NDArray denseBlock(ParameterStore ps, int block, NDArray x, boolean training) {
        NDArray out1 = Activation.relu(apply(ps, convs.get(4 * block), x, 2, training));
        NDArray out2 = apply(ps, convs.get(4 * block + 1), out1, 1, training);
        NDArray sum = out1.add(out2);
        NDArray out3 = apply(ps, convs.get(4 * block + 2), Activation.relu(sum), 1, training);
        sum = sum.add(out3);
        NDArray out4 = apply(ps, convs.get(4 * block + 3), Activation.relu(sum), 1, training);
        return Activation.relu(sum.add(out4));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkImages(inputs, INPUT_SIZE, "face landmark net");
        NDArray images = inputs.singletonOrThrow();
        NDArray x = images.sub(MixedPrecision.asTypeOf(onDeviceOf(mean, images), images));
        for (int b = 0; b < 4; b++) {
            x = denseBlock(ps, b, x, training);
        }
        x = Pool.avgPool2d(x, new Shape(7, 7), new Shape(2, 2), new Shape(0, 0), false, false);
        x = x.reshape(x.getShape().get(0), -1);
        return Linear.linear(x, value(ps, fcWeight, x, training), value(ps, fcBias, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 136)};
    }
}
