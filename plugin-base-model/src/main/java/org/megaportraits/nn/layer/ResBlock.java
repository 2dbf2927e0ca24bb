package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The residual block of the base model (2D or 3D, pre-activation): optional up-sampling of the
 * input, then {@code norm -> ReLU -> conv3 -> norm -> ReLU -> conv3} added to the input (through
 * a 1x1 convolution when the channel count changes), then optional average pooling. Norms are
 * group norms, or adaptive group norms driven by an embedding given as a second input. The main
 * convolutions follow a normalisation and are weight-standardised when asked; the 1x1 skip sees
 * the raw input and is standardised only when asked separately. Children: {@code norm1, conv1,
 * norm2, conv2[, skip]}.
 */
public final class ResBlock extends NetworkBlock {

    private final Block norm1;
    private final Conv conv1;
    private final Block norm2;
    private final Conv conv2;
    private final Conv skip;
    private final boolean adaptive;
    private final int[] up;
    private final Resample.Mode upMode;
    private final int[] down;

    private ResBlock(Builder b) {
        this.adaptive = b.embeddingChannels > 0;
        this.up = b.up;
        this.upMode = b.upMode;
        this.down = b.down;
        norm1 = child("norm1", norm(b, b.in));
        conv1 = child("conv1", Conv.builder(b.dims, b.in, b.out, 3).bias(false)
                .standardized(b.standardized).spectral(b.spectral).build());
        norm2 = child("norm2", norm(b, b.out));
        conv2 = child("conv2", Conv.builder(b.dims, b.out, b.out, 3).bias(false)
                .standardized(b.standardized).spectral(b.spectral).build());
        skip = b.in == b.out ? null
                : child("skip", Conv.builder(b.dims, b.in, b.out, 1).bias(false).standardized(b.standardizedSkip)
                        .spectral(b.spectral).build());
    }

    private static Block norm(Builder b, int channels) {
        return b.embeddingChannels > 0
                ? new AdaptiveGroupNorm(channels, b.groups, b.embeddingChannels, b.embeddingPositions)
                : new GroupNorm(channels, b.groups);
    }

    /** A block over {@code dims} (2 or 3) spatial axes from {@code in} to {@code out} channels. */
    public static Builder builder(int dims, int in, int out, int groups) {
        return new Builder(dims, in, out, groups);
    }

    /** Inputs: the feature map, and for adaptive blocks the embedding (N, channels, positions). */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.get(0);
        NDArray e = adaptive ? inputs.get(1) : null;
        NDArray h;
        NDArray shortcut;
        if (up == null) {
            h = Activation.relu(normalize(norm1, store, x, e, training));
            shortcut = skip == null ? x : apply(skip, store, x, training);
        } else if (upMode == Resample.Mode.NEAREST) {
            // Nearest up-sampling repeats values, which leaves every group's mean and variance
            // unchanged, and norm, ReLU and the 1x1 skip act per position: all three run on the
            // small map, then up-sample (same result, a quarter of the positions in 2D).
            h = Resample.upsample(Activation.relu(normalize(norm1, store, x, e, training)), upMode, up);
            shortcut = Resample.upsample(skip == null ? x : apply(skip, store, x, training), upMode, up);
        } else {
            // linear up-sampling changes the statistics, but still commutes with the linear 1x1 skip
            NDArray big = Resample.upsample(x, upMode, up);
            h = Activation.relu(normalize(norm1, store, big, e, training));
            shortcut = skip == null ? big : Resample.upsample(apply(skip, store, x, training), upMode, up);
        }
        h = apply(conv1, store, h, training);
        h = Activation.relu(normalize(norm2, store, h, e, training));
        h = apply(conv2, store, h, training);
        NDArray out = h.add(shortcut);
        if (down != null) {
            out = Resample.averagePool(out, down);
        }
        return new NDList(out);
    }

    private static NDArray normalize(Block norm, ParameterStore store, NDArray x, NDArray e, boolean training) {
        return e == null ? apply(norm, store, x, training) : apply(norm, store, training, x, e);
    }

    /** Options of a residual block. */
    public static final class Builder {
        private final int dims;
            private final int in;
        private final int out;
        private final int groups;
        private boolean standardized;
        private boolean standardizedSkip;
        private boolean spectral;
        private int[] up;
        private Resample.Mode upMode = Resample.Mode.NEAREST;
        private int[] down;
        private int embeddingChannels;
        private int embeddingPositions;

        private Builder(int dims, int in, int out, int groups) {
            this.dims = dims;
            this.in = in;
            this.out = out;
            this.groups = groups;
        }

        /** Weight standardisation of the two main convolutions. */
        public Builder standardized(boolean ws) {
            this.standardized = ws;
            return this;
        }

        /** Weight standardisation of the 1x1 skip convolution (when channels change). */
        public Builder standardizedSkip(boolean ws) {
            this.standardizedSkip = ws;
            return this;
        }

        /** Spectral normalisation of every convolution. */
        public Builder spectral(boolean sn) {
            this.spectral = sn;
            return this;
        }

        /** Up-samples the input first by these factors (one per spatial axis); null for none. */
        public Builder upsample(Resample.Mode mode, int... factors) {
            this.upMode = mode;
            this.up = factors;
            return this;
        }

        /** Average-pools the output by these factors (one per spatial axis); null for none. */
        public Builder downsample(int... factors) {
            this.down = factors;
            return this;
        }

        /** Makes the norms adaptive to an embedding matrix of the given size. */
        public Builder adaptive(int channels, int positions) {
            this.embeddingChannels = channels;
            this.embeddingPositions = positions;
            return this;
        }

        /** The block. */
        public ResBlock build() {
            return new ResBlock(this);
        }
    }
}
