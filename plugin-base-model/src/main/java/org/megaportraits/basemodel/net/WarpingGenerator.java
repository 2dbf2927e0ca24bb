package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.GroupNorm;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.layer.ResBlock;
import org.megaportraits.nn.layer.Resample;
import org.megaportraits.nn.warp.WarpGrid;

/**
 * A warping generator (W_s-> or W_->d; same architecture, separate weights): the motion embedding
 * (N, Ec, e, e) through a 1x1 convolution to Ec' * seedDepth channels, reshaped into a 3D seed,
 * then 3D residual blocks whose group norms are adaptive to the embedding (u * E * v), each
 * doubling height and width (and depth until the volume's), group norm, ReLU, a 3x3x3
 * convolution to 3 channels and tanh: offsets added to the identity grid. Children: {@code seed,
 * block.i, norm, head}.
 */
public final class WarpingGenerator extends NetworkBlock {

    private final BaseModelConfig.Volume vol;
    private final BaseModelConfig.Warp w;
    private final int embedSize;
    private final Conv seed;
    private final List<ResBlock> blocks = new ArrayList<>();
    private final GroupNorm norm;
    private final Conv head;

    /** The generator of a configuration. */
    public WarpingGenerator(BaseModelConfig cfg) {
        this.vol = cfg.volume();
        this.w = cfg.warp();
        this.embedSize = cfg.descriptor().embedSize();
        int ec = cfg.descriptor().channels();
        seed = child("seed", Conv.builder(2, ec, w.seedChannels() * w.seedDepth(), 1).bias(false)
                .spectral(cfg.spectralNorm()).build());
        Resample.Mode mode = "trilinear".equals(w.upsampling()) ? Resample.Mode.LINEAR : Resample.Mode.NEAREST;
        int in = w.seedChannels();
        int depth = w.seedDepth();
        for (int i = 0; i < w.channels().length; i++) {
            int dz = depth < vol.depth() ? 2 : 1;
            depth *= dz;
            blocks.add(child("block." + i, Residual.builder(cfg, 3, in, w.channels()[i]).upsample(mode, dz, 2, 2)
                    .adaptive(ec, embedSize * embedSize).build()));
            in = w.channels()[i];
        }
        if (depth != vol.depth()) {
            throw new IllegalArgumentException("warp seed depth " + w.seedDepth() + " does not reach volume depth "
                    + vol.depth() + " in " + w.channels().length + " doublings");
        }
        norm = child("norm", new GroupNorm(in, cfg.groups()));
        head = child("head", Conv.builder(3, in, 3, 3).spectral(cfg.spectralNorm()).initGain(w.offsetInitGain()).build());
    }

    /**
     * Input: the motion embedding (N, Ec, e, e). Outputs: the sampling grid (N, D, V, V, 3) =
     * identity + offsets, and the offsets (N, 3, D, V, V).
     */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray emb = inputs.singletonOrThrow();
        long n = emb.getShape().get(0);
        NDArray matrix = emb.reshape(n, emb.getShape().get(1), (long) embedSize * embedSize);
        NDArray x = apply(seed, store, emb, training).reshape(n, w.seedChannels(), w.seedDepth(), embedSize, embedSize);
        for (ResBlock b : blocks) {
            x = apply(b, store, training, x, matrix);
        }
        NDArray offsets = apply(head, store, Activation.relu(apply(norm, store, x, training)), training).tanh();
        return new NDList(WarpGrid.offset(offsets), offsets);
    }
}
