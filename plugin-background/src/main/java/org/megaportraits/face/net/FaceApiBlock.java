package org.megaportraits.face.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.tensor.FrozenCasts;

/**
 * Base of the face-api networks: parameters created from TensorFlow.js tensors (converted from
 * channels-last to PyTorch's layout on the way in), and convolutions with TensorFlow's padding
 * rules, which pad the extra row and column of an even input at the bottom and right.
 *
 * <p>The blocks hold pretrained weights from the start: {@code initialize} keeps them. They are
 * frozen (no gradient for the weights), but gradients flow through them to their inputs.
 */
public abstract class FaceApiBlock extends AbstractBlock {

    private final List<Parameter> own = new ArrayList<>();
    private final FrozenCasts casts = new FrozenCasts();

    /** A frozen parameter holding {@code values} (already in PyTorch layout) on {@code manager}. */
    protected final Parameter parameter(NDManager manager, String name, float[] values, Shape shape) {
        NDArray array = manager.create(values, shape);
        array.setName(name);
        Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER)
                .optShape(shape).optArray(array).optRequiresGrad(false).build());
        own.add(p);
        return p;
    }

    /**
     * The value of a parameter on the device and in the floating type of {@code like}: the weights
     * are frozen, so each type's copy is made once (see {@link FrozenCasts}).
     */
    protected final NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return casts.like(ps.getValue(p, like.getDevice(), training), like);
    }

    /**
     * A 2-D convolution as TensorFlow computes it: {@code same} pads so that the output has
     * ceil(in / stride) pixels, putting an odd extra pixel at the end; {@code valid} pads nothing.
     */
    protected static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, boolean same, int groups) {
        Shape stride2 = new Shape(stride, stride);
        Shape dilation = new Shape(1, 1);
        if (!same) {
            return Conv2d.conv2d(x, weight, bias, stride2, new Shape(0, 0), dilation, groups).singletonOrThrow();
        }
        long[] before = new long[2];
        long[] after = new long[2];
        for (int d = 0; d < 2; d++) {
            long in = x.getShape().get(2 + d);
            long k = weight.getShape().get(2 + d);
            long out = (in + stride - 1) / stride;
            long total = Math.max((out - 1) * stride + k - in, 0);
            before[d] = total / 2;
            after[d] = total - before[d];
        }
        if (before[0] == after[0] && before[1] == after[1]) {
            return Conv2d.conv2d(x, weight, bias, stride2, new Shape(before[0], before[1]), dilation, groups)
                    .singletonOrThrow();
        }
        // torch's pad lists the last axis first: (left, right, top, bottom)
        NDArray padded = x.pad(new Shape(before[1], after[1], before[0], after[0]), 0);
        return Conv2d.conv2d(padded, weight, bias, stride2, new Shape(0, 0), dilation, groups).singletonOrThrow();
    }

    /** TensorFlow conv filter [kh, kw, in, out] to PyTorch [out, in, kh, kw], each output channel scaled. */
    protected static float[] convFilter(TfjsWeights.Tensor t, float[] outScale) {
        long[] s = t.shape();
        int kh = (int) s[0];
        int kw = (int) s[1];
        int in = (int) s[2];
        int out = (int) s[3];
        float[] src = t.values();
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        float v = src[((y * kw + x) * in + i) * out + o];
                        dst[((o * in + i) * kh + y) * kw + x] = outScale == null ? v : v * outScale[o];
                    }
                }
            }
        }
        return dst;
    }

    /** Shape of a converted conv filter. */
    protected static Shape convShape(TfjsWeights.Tensor t) {
        long[] s = t.shape();
        return new Shape(s[3], s[2], s[0], s[1]);
    }

    /** TensorFlow depthwise filter [kh, kw, in, 1] to PyTorch grouped [in, 1, kh, kw], each channel scaled. */
    protected static float[] depthwiseFilter(TfjsWeights.Tensor t, float[] scale) {
        long[] s = t.shape();
        if (s[3] != 1) {
            throw new IllegalArgumentException("depthwise multiplier " + s[3] + " of " + t.name() + " is not 1");
        }
        int kh = (int) s[0];
        int kw = (int) s[1];
        int in = (int) s[2];
        float[] src = t.values();
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    float v = src[(y * kw + x) * in + i];
                    dst[(i * kh + y) * kw + x] = scale == null ? v : v * scale[i];
                }
            }
        }
        return dst;
    }

    /** Shape of a converted depthwise filter. */
    protected static Shape depthwiseShape(TfjsWeights.Tensor t) {
        long[] s = t.shape();
        return new Shape(s[2], 1, s[0], s[1]);
    }

    /** TensorFlow dense weights [in, out] to PyTorch linear weights [out, in]. */
    protected static float[] denseWeights(TfjsWeights.Tensor t) {
        int in = (int) t.shape()[0];
        int out = (int) t.shape()[1];
        float[] src = t.values();
        float[] dst = new float[src.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                dst[o * in + i] = src[i * out + o];
            }
        }
        return dst;
    }

    /** Checks that the input is one N x 3 x size x size batch. */
    protected static void checkImages(NDList inputs, int size, String net) {
        Shape s = inputs.singletonOrThrow().getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != size || s.get(3) != size) {
            throw new IllegalArgumentException(net + " takes N x 3 x " + size + " x " + size + " RGB in [0, 1], got " + s);
        }
    }

    /** Number of weights (for logs and checks against the manifest). */
    public long weightCount() {
        long n = 0;
        for (Parameter p : own) {
            n += p.getArray().size();
        }
        return n;
    }

    /** The device the weights were loaded on. */
    public Device device() {
        return own.get(0).getArray().getDevice();
    }

    /**
     * A constant the net made at loading, on the images' device: itself, or a copy in the images'
     * manager (freed with them, not left in the net's manager on every call).
     */
    protected static NDArray onDeviceOf(NDArray constant, NDArray images) {
        if (images.getDevice().equals(constant.getDevice())) {
            return constant;
        }
        NDArray copy = constant.toDevice(images.getDevice(), true);
        copy.attach(images.getManager());
        return copy;
    }
}
