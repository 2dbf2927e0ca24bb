package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.Dense;
import org.megaportraits.nn.layer.NetworkBlock;

/**
 * The input embedding of both warping generators: {@code head((e_s + lift(z)) / 2)}, where lift
 * is a bias-free linear map of z to the descriptor's shape and head a bias-free 1x1 convolution.
 * Shared by the two generators (as in the authors' code), so source and driver motion live in one
 * space. Children: {@code lift, head}.
 */
public final class MotionEmbedding extends NetworkBlock {

    private final int channels;
    private final int size;
    private final Dense lift;
    private final Conv head;

    /** The embedding of a configuration. */
    public MotionEmbedding(BaseModelConfig cfg) {
        BaseModelConfig.Descriptor d = cfg.descriptor();
        this.channels = d.channels();
        this.size = d.embedSize();
        lift = child("lift", new Dense(cfg.expression().zDim(), channels * size * size, false, cfg.spectralNorm()));
        head = child("head", Conv.builder(2, channels, channels, 1).bias(false).spectral(cfg.spectralNorm()).build());
    }

    /**
     * Inputs: e_s (1 or N, channels, e, e) and z (N, zDim). Output: the embedding (N, channels, e, e);
     * a single descriptor is shared by all N codes.
     */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray e = inputs.get(0);
        NDArray z = inputs.get(1);
        NDArray lifted = apply(lift, store, z, training).reshape(new Shape(z.getShape().get(0), channels, size, size));
        // halved by an engine-made scalar: DJL's div(Number) frees its scalar's Java buffer while autograd
        // still needs it for backward (wrong gradients on the CPU once the GC runs)
        NDArray half = e.getManager().full(new Shape(), 0.5f, e.getDataType(), e.getDevice());
        return new NDList(apply(head, store, e.add(lifted).mul(half), training));
    }
}
