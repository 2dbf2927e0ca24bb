package org.megaportraits.face.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.tensor.Scalars;

/**
 * The face recognition net of face-api (a port of dlib's ResNet-34-like metric net): a 7 x 7
 * stride-2 stem and max pool, then residual blocks of two 3 x 3 convs at 32 (x3), 64 (x4),
 * 128 (x3) and 256 (x4) channels, down-sampling blocks with a stride-2 "valid" conv and an average
 * pooled, zero-extended shortcut, a global average and a 256 -> 128 projection (no bias). Each conv
 * has a per-channel affine "scale" layer, folded into it here.
 *
 * <p>Input: N x 3 x 150 x 150 RGB in [0, 1], an aligned face chip (see
 * {@link org.megaportraits.face.crop.FaceChips}). Output: N x 128 identity descriptors; face-api
 * compares them by Euclidean distance (same person below about 0.6). {@link #embed} gives them
 * unit length. Differentiable with respect to the input, for identity losses.
 */
public final class FaceRecognitionNet extends FaceApiBlock {

    /** The input side. */
    public static final int INPUT_SIZE = 150;

    /** Length of a descriptor. */
    public static final int EMBEDDING_SIZE = 128;

    private static final String MANIFEST = "face_recognition_model";

    /** Block names in order and whether each one down-samples. */
    private static final String[] BLOCKS = {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1",
        "conv64_2", "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2",
        "conv256_down_out"};

    private record Conv(Parameter weight, Parameter bias) {
    }

    private final Conv stem;
    private final List<Conv[]> blocks = new ArrayList<>();
    private final Parameter projection;
    /**
     * The landmark net's mean RGB as 1 x 3 x 1 x 1 float32 on the weights' device, made once (a copy
     * from the host per call would wait for the device's queue); not a parameter of the net.
     */
    private final NDArray mean;

    private FaceRecognitionNet(NDManager m, TfjsWeights w) {
        mean = m.create(FaceLandmark68Net.MEAN_RGB, new Shape(1, 3, 1, 1));
        stem = scaledConv(m, w, "conv32_down");
        for (String b : BLOCKS) {
            blocks.add(new Conv[] {scaledConv(m, w, b + "/conv1"), scaledConv(m, w, b + "/conv2")});
        }
        TfjsWeights.Tensor fc = w.get("fc");
        projection = parameter(m, "fc.weight", denseWeights(fc), new Shape(fc.shape()[1], fc.shape()[0]));
    }

    /**
     * Loads the recognition net's weights from the package onto {@code manager}'s device. The
     * weights are frozen; gradients still flow to the input.
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if the weights are missing or damaged
     */
    public static FaceRecognitionNet load(FaceApiPackage pkg, NDManager manager) {
        return new FaceRecognitionNet(manager, pkg.weights(MANIFEST));
    }

    /** conv + bias followed by x * s + t per channel, folded: w' = w * s, b' = b * s + t. */
    private Conv scaledConv(NDManager m, TfjsWeights w, String prefix) {
        TfjsWeights.Tensor f = w.get(prefix + "/conv/filters");
        float[] bias = w.get(prefix + "/conv/bias").values();
        float[] s = w.get(prefix + "/scale/weights").values();
        float[] t = w.get(prefix + "/scale/biases").values();
        float[] folded = new float[bias.length];
        for (int i = 0; i < bias.length; i++) {
            folded[i] = bias[i] * s[i] + t[i];
        }
        return new Conv(parameter(m, prefix + ".weight", convFilter(f, s), convShape(f)),
                parameter(m, prefix + ".bias", folded, new Shape(folded.length)));
    }

    private NDArray apply(ParameterStore ps, Conv c, NDArray x, int stride, boolean same, boolean training) {
        return conv(x, value(ps, c.weight, x, training), value(ps, c.bias, x, training), stride, same, 1);
    }

    private NDArray residual(ParameterStore ps, Conv[] c, NDArray x, boolean training) {
        NDArray out = Activation.relu(apply(ps, c[0], x, 1, true, training));
        out = apply(ps, c[1], out, 1, true, training);
        return Activation.relu(out.add(x));
    }

    /**
     * Down-sampling block: the conv path shrinks by a stride-2 valid conv, the shortcut by a 2 x 2
     * average pool; where the two differ by a pixel (odd sizes) the conv path gets a zero row and
     * column at the end, and new channels of the shortcut are zeros.
     */
    private NDArray residualDown(ParameterStore ps, Conv[] c, NDArray x, boolean training) {
        NDArray out = Activation.relu(apply(ps, c[0], x, 2, false, training));
        out = apply(ps, c[1], out, 1, true, training);
        NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, false);
        long dh = pooled.getShape().get(2) - out.getShape().get(2);
        long dw = pooled.getShape().get(3) - out.getShape().get(3);
        if (dh != 0 || dw != 0) {
            out = out.pad(new Shape(0, dw, 0, dh), 0);
        }
        long dc = out.getShape().get(1) - pooled.getShape().get(1);
        if (dc > 0) {
            pooled = pooled.pad(new Shape(0, 0, 0, 0, 0, dc), 0);
        }
        return Activation.relu(out.add(pooled));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkImages(inputs, INPUT_SIZE, "face recognition net");
        NDArray images = inputs.singletonOrThrow();
        NDArray x = images.sub(onDeviceOf(mean, images));
        x = Activation.relu(apply(ps, stem, x, 2, false, training));
        x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
        for (int i = 0; i < BLOCKS.length; i++) {
            x = BLOCKS[i].contains("down") ? residualDown(ps, blocks.get(i), x, training)
                    : residual(ps, blocks.get(i), x, training);
        }
        NDArray pooled = x.mean(new int[] {3}).mean(new int[] {2});
        return new NDList(pooled.matMul(value(ps, projection, x, training).transpose()));
    }

    /** Unit-length descriptors of a batch of aligned chips, differentiable in the chips. */
    public NDArray embed(ParameterStore ps, NDArray chips, boolean training) {
        NDArray d = forward(ps, new NDList(chips), training).singletonOrThrow();
        return d.div(Scalars.add(d.norm(new int[] {1}, true), 1e-12f));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), EMBEDDING_SIZE)};
    }
}
