package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * A 2D or 3D convolution with optional weight standardisation (each output filter shifted to
 * mean 0 and scaled to variance 1 before use) and optional spectral normalisation (the weight
 * divided by its largest singular value, estimated by one power-iteration step per training pass
 * and kept in the buffer {@code spectral_u}). Parameters: {@code weight} (out, in, k...),
 * {@code bias} (out) when enabled.
 */
public final class Conv extends NetworkBlock implements MultiplyAddCounter {

    private final int dims;
    private final int in;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean standardized;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter spectral;
    private NDArray inferenceWeight;
    private long multiplyAdds;

    private Conv(Builder b) {
        this.dims = b.dims;
        this.in = b.in;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding < 0 ? b.kernel / 2 : b.padding;
        this.standardized = b.standardized;
        long[] shape = new long[2 + dims];
        shape[0] = b.out;
        shape[1] = in;
        Arrays.fill(shape, 2, shape.length, kernel);
        long fanIn = (long) in * (long) Math.pow(kernel, dims);
        this.weight = parameter("weight", new Shape(shape), Init.fanInUniform(fanIn, b.gain));
        this.bias = b.bias ? parameter("bias", new Shape(b.out), Init.fanInUniform(fanIn, b.gain)) : null;
        this.spectral = b.spectral ? buffer("spectral_u", new Shape(b.out), Init.normal(1f)) : null;
    }

    /** A convolution over {@code dims} (2 or 3) spatial axes. */
    public static Builder builder(int dims, int in, int out, int kernel) {
        return new Builder(dims, in, out, kernel);
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = training || inferenceWeight == null
                ? effectiveWeight(value(store, weight, x.getDevice(), training),
                        spectral == null ? null : value(store, spectral, x.getDevice(), training), training)
                : inferenceWeight;
        w = MixedPrecision.asTypeOf(w, x);
        NDArray b = bias == null ? null : valueFor(store, bias, x, training);
        NDArray y;
        if (dims == 2) {
            y = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1).head();
        } else {
            y = Conv3d.conv3d(x, w, b, new Shape(stride, stride, stride), new Shape(padding, padding, padding),
                    new Shape(1, 1, 1), 1).head();
        }
        Shape ys = y.getShape();
        multiplyAdds += ys.size() * in * (long) Math.pow(kernel, dims);
        return new NDList(y);
    }

    private NDArray effectiveWeight(NDArray w, NDArray u, boolean training) {
        NDArray e = standardized ? WeightStandardization.apply(w) : w;
        return u == null ? e : SpectralNorm.apply(e, u, training);
    }

    /**
     * Computes the standardised / spectrally normalised weight once and uses it for every
     * inference pass. Call again after the weights change; training passes never use it.
     */
    @Override
    protected void prepareInference() {
        if (inferenceWeight != null) {
            inferenceWeight.close();
            inferenceWeight = null;
        }
        if (standardized || spectral != null) {
            NDArray w = weight.getArray();
            try (NDScope scope = new NDScope()) {
                inferenceWeight = effectiveWeight(w, spectral == null ? null : spectral.getArray(), false);
                NDScope.unregister(inferenceWeight);
            }
            inferenceWeight.attach(w.getManager());
        }
    }

    @Override
    public long multiplyAdds() {
        return multiplyAdds;
    }

    @Override
    public void resetMultiplyAdds() {
        multiplyAdds = 0;
    }

    /** Options of a convolution. */
    public static final class Builder {
        private final int dims;
        private final int in;
        private final int out;
        private final int kernel;
        private int stride = 1;
        private int padding = -1;
        private boolean bias = true;
        private boolean standardized;
        private boolean spectral;
        private float gain = 1f;

        private Builder(int dims, int in, int out, int kernel) {
            if (dims != 2 && dims != 3) {
                throw new IllegalArgumentException("convolutions are 2D or 3D, not " + dims + "D");
            }
            this.dims = dims;
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        /** Stride on every spatial axis (default 1). */
        public Builder stride(int s) {
            this.stride = s;
            return this;
        }

        /** Zero padding on every side (default kernel / 2, "same" for odd kernels). */
        public Builder padding(int p) {
            this.padding = p;
            return this;
        }

        /** Whether the convolution has a bias (default true). */
        public Builder bias(boolean b) {
            this.bias = b;
            return this;
        }

        /** Weight standardisation (default off). */
        public Builder standardized(boolean ws) {
            this.standardized = ws;
            return this;
        }

        /** Spectral normalisation (default off). */
        public Builder spectral(boolean sn) {
            this.spectral = sn;
            return this;
        }

        /** Scales the initial uniform bound (default 1: PyTorch's +-1/sqrt(fan-in)). */
        public Builder initGain(float g) {
            this.gain = g;
            return this;
        }

        /** The convolution. */
        public Conv build() {
            return new Conv(this);
        }
    }
}
