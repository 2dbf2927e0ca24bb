package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * Group normalisation whose scale and shift depend on an embedding, as in the paper's warping
 * generators: for a sample's embedding matrix E (embedding channels x embedding positions, e.g.
 * 512 x 16) the layer computes {@code u * E * v} with its learned {@code u} (C x channels) and
 * {@code v} (positions x 2), giving a per-channel scale and shift that are added to its own
 * {@code gamma} and {@code beta}. Inputs: the feature map (N, C, ...) and E (N, channels,
 * positions).
 */
public final class AdaptiveGroupNorm extends NetworkBlock {

    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter u;
    private final Parameter v;

    /**
     * @param channels           feature channels C
     * @param groups             groups (dividing C)
     * @param embeddingChannels  rows of the embedding matrix
     * @param embeddingPositions columns of the embedding matrix
     */
    public AdaptiveGroupNorm(int channels, int groups, int embeddingChannels, int embeddingPositions) {
        GroupNorm.checkGroups(channels, groups);
        this.groups = groups;
        this.gamma = parameter("gamma", new Shape(channels), Init.constant(1f));
        this.beta = parameter("beta", new Shape(channels), Init.constant(0f));
        this.u = parameter("u", new Shape(channels, embeddingChannels),
                Init.uniform((float) Math.sqrt(3.0 / embeddingChannels)));
        this.v = parameter("v", new Shape(embeddingPositions, 2),
                Init.uniform((float) Math.sqrt(3.0 / embeddingPositions)));
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.get(0);
        NDArray e = inputs.get(1);
        long n = x.getShape().get(0);
        if (e.getShape().get(0) != n) {
            throw new IllegalArgumentException("embedding batch " + e.getShape().get(0) + " != feature batch " + n);
        }
        NDArray uu = valueFor(store, u, x, training);
        NDArray vv = valueFor(store, v, x, training);
        // (C, Ec) x (N, Ec, Ep) x (Ep, 2) -> (N, C, 2)
        NDArray p = uu.matMul(MixedPrecision.asTypeOf(e, x)).matMul(vv);
        Shape perChannel = GroupNorm.perChannel(x.getShape(), n);
        NDArray scale = p.get(new NDIndex(":, :, 0")).add(valueFor(store, gamma, x, training)).reshape(perChannel);
        NDArray shift = p.get(new NDIndex(":, :, 1")).add(valueFor(store, beta, x, training)).reshape(perChannel);
        return new NDList(GroupNorm.normalize(x, groups).mul(scale).add(shift));
    }
}
