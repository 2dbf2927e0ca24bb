package org.megaportraits.face.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.tensor.Scalars;

/**
 * The face detector of face-api: SSD on a MobileNet v1 backbone (depth multiplier 1), 512 x 512
 * input, six box predictors (3 anchors on the 32 x 32 map of layer 11, 6 anchors on each of the
 * 16, 8, 4, 2 and 1 maps) with 5118 anchors in all. Batch norms are folded into the convolutions.
 *
 * <p>Input: N x 3 x 512 x 512 RGB in [0, 1] (the frame padded at the bottom or right to a square,
 * then resized). Output: boxes N x 5118 x 4 as (top, left, bottom, right) in [0, 1] of the input,
 * and face scores N x 5118 in [0, 1] (before non-maximum suppression).
 */
public final class SsdMobileNetV1 extends FaceApiBlock {

    /** The input side the anchors were made for. */
    public static final int INPUT_SIZE = 512;

    /** Number of anchors (and predictions) per image. */
    public static final int ANCHORS = 5118;

    private static final String MANIFEST = "ssd_mobilenetv1_model";
    private static final double BN_EPSILON = 0.0010000000474974513;
    private static final int[] STRIDE_2_LAYERS = {2, 4, 6, 12};

    /** A conv with its (folded) bias and stride. */
    private record Conv(Parameter weight, Parameter bias, int stride, int groups) {
    }

    private final Conv stem;
    private final List<Conv> depthwise = new ArrayList<>();
    private final List<Conv> pointwise = new ArrayList<>();
    private final List<Conv> extra = new ArrayList<>();
    private final List<Conv> boxEncoders = new ArrayList<>();
    private final List<Conv> classifiers = new ArrayList<>();
    private final Parameter anchors;

    private SsdMobileNetV1(NDManager manager, TfjsWeights w) {
        stem = pointwise(manager, w, "MobilenetV1/Conv2d_0_pointwise", 2);
        for (int i = 1; i <= 13; i++) {
            int stride = contains(STRIDE_2_LAYERS, i) ? 2 : 1;
            depthwise.add(depthwise(manager, w, "MobilenetV1/Conv2d_" + i + "_depthwise", stride));
            pointwise.add(pointwise(manager, w, "MobilenetV1/Conv2d_" + i + "_pointwise", 1));
        }
        for (int i = 0; i < 8; i++) {
            extra.add(pointwise(manager, w, "Prediction/Conv2d_" + i + "_pointwise", i % 2 == 1 ? 2 : 1));
        }
        for (int i = 0; i < 6; i++) {
            boxEncoders.add(plain(manager, w, "Prediction/BoxPredictor_" + i + "/BoxEncodingPredictor"));
            classifiers.add(plain(manager, w, "Prediction/BoxPredictor_" + i + "/ClassPredictor"));
        }
        TfjsWeights.Tensor a = w.get("Output/extra_dim");
        anchors = parameter(manager, "anchors", a.values(), new Shape(ANCHORS, 4));
    }

    /**
     * Loads the detector's weights from the package onto {@code manager}'s device.
     *
     * @throws org.megaportraits.sdk.ModelUnavailableException if the weights are missing or damaged
     */
    public static SsdMobileNetV1 load(FaceApiPackage pkg, NDManager manager) {
        return new SsdMobileNetV1(manager, pkg.weights(MANIFEST));
    }

    private Conv pointwise(NDManager m, TfjsWeights w, String prefix, int stride) {
        TfjsWeights.Tensor f = w.get(prefix + "/weights");
        TfjsWeights.Tensor b = w.get(prefix + "/convolution_bn_offset");
        return new Conv(parameter(m, prefix + ".weight", convFilter(f, null), convShape(f)),
                parameter(m, prefix + ".bias", b.values(), new Shape(b.values().length)), stride, 1);
    }

    private Conv plain(NDManager m, TfjsWeights w, String prefix) {
        TfjsWeights.Tensor f = w.get(prefix + "/weights");
        TfjsWeights.Tensor b = w.get(prefix + "/biases");
        return new Conv(parameter(m, prefix + ".weight", convFilter(f, null), convShape(f)),
                parameter(m, prefix + ".bias", b.values(), new Shape(b.values().length)), 1, 1);
    }

    /** Depthwise conv with its batch norm folded in: w' = w * g / sqrt(v + e), b' = beta - mean * g / sqrt(v + e). */
    private Conv depthwise(NDManager m, TfjsWeights w, String prefix, int stride) {
        TfjsWeights.Tensor f = w.get(prefix + "/depthwise_weights");
        float[] gamma = w.get(prefix + "/BatchNorm/gamma").values();
        float[] beta = w.get(prefix + "/BatchNorm/beta").values();
        float[] mean = w.get(prefix + "/BatchNorm/moving_mean").values();
        float[] var = w.get(prefix + "/BatchNorm/moving_variance").values();
        int c = gamma.length;
        float[] scale = new float[c];
        float[] bias = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (float) (gamma[i] / Math.sqrt(var[i] + BN_EPSILON));
            bias[i] = beta[i] - mean[i] * scale[i];
        }
        return new Conv(parameter(m, prefix + ".weight", depthwiseFilter(f, scale), depthwiseShape(f)),
                parameter(m, prefix + ".bias", bias, new Shape(c)), stride, c);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private NDArray apply(ParameterStore ps, Conv c, NDArray x, boolean training) {
        return conv(x, value(ps, c.weight, x, training), value(ps, c.bias, x, training), c.stride, true, c.groups);
    }

    private static NDArray relu6(NDArray x) {
        return Scalars.clip(x, 0f, 6f);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkImages(inputs, INPUT_SIZE, "SSD MobileNet v1");
        NDArray x = Scalars.sub(Scalars.mul(inputs.singletonOrThrow(), 2), 1);
        x = relu6(apply(ps, stem, x, training));
        NDArray conv11 = null;
        for (int i = 0; i < 13; i++) {
            x = relu6(apply(ps, depthwise.get(i), x, training));
            x = relu6(apply(ps, pointwise.get(i), x, training));
            if (i + 1 == 11) {
                conv11 = x;
            }
        }
        List<NDArray> maps = new ArrayList<>(List.of(conv11, x));
        NDArray y = x;
        for (int i = 0; i < 8; i++) {
            y = relu6(apply(ps, extra.get(i), y, training));
            if (i % 2 == 1) {
                maps.add(y);
            }
        }
        long n = x.getShape().get(0);
        NDList encodings = new NDList();
        NDList logits = new NDList();
        for (int i = 0; i < 6; i++) {
            NDArray map = maps.get(i);
            // TensorFlow orders predictions by (row, column, anchor): go channels-last before flattening
            encodings.add(apply(ps, boxEncoders.get(i), map, training).transpose(0, 2, 3, 1).reshape(n, -1, 4));
            logits.add(apply(ps, classifiers.get(i), map, training).transpose(0, 2, 3, 1).reshape(n, -1, 3));
        }
        NDArray enc = NDArrays.concat(encodings, 1);
        NDArray scores = Activation.sigmoid(NDArrays.concat(logits, 1).get(new NDIndex(":, :, 1")));
        NDArray a = value(ps, anchors, x, training);
        return new NDList(decode(a, enc), scores);
    }

    /** Box decoding of the TF object detection API with scales (10, 10, 5, 5): anchor + offsets. */
    private static NDArray decode(NDArray anchors, NDArray enc) {
        NDArray ay0 = anchors.get(":, 0");
        NDArray ax0 = anchors.get(":, 1");
        NDArray ah = anchors.get(":, 2").sub(ay0);
        NDArray aw = anchors.get(":, 3").sub(ax0);
        NDArray acy = ay0.add(Scalars.div(ah, 2f));
        NDArray acx = ax0.add(Scalars.div(aw, 2f));
        NDArray cy = Scalars.div(enc.get(":, :, 0"), 10f).mul(ah).add(acy);
        NDArray cx = Scalars.div(enc.get(":, :, 1"), 10f).mul(aw).add(acx);
        NDArray height = Scalars.div(enc.get(":, :, 2"), 5f).exp().mul(ah);
        NDArray width = Scalars.div(enc.get(":, :, 3"), 5f).exp().mul(aw);
        NDArray halfH = Scalars.div(height, 2f);
        NDArray halfW = Scalars.div(width, 2f);
        return NDArrays.stack(new NDList(cy.sub(halfH), cx.sub(halfW), cy.add(halfH), cx.add(halfW)), 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, ANCHORS, 4), new Shape(n, ANCHORS)};
    }
}
