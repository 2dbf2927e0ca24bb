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

/**
 * E_app: the masked source image (N, 3, S, S) to the appearance volume v_s (N, C, D, V, V).
 * A 7x7 convolution, residual blocks that each halve the resolution (average pooling), group
 * norm, ReLU, a 1x1 convolution to C*D channels reshaped into the volume, then 3D residual
 * blocks. Children: {@code stem, down.i, norm, toVolume, volume.i}.
 */
public final class AppearanceEncoder extends NetworkBlock {

    private final BaseModelConfig.Volume vol;
    private final Conv stem;
    private final List<ResBlock> down = new ArrayList<>();
    private final GroupNorm norm;
    private final Conv toVolume;
    private final List<ResBlock> volumeBlocks = new ArrayList<>();

    /** The encoder of a configuration. */
    public AppearanceEncoder(BaseModelConfig cfg) {
        this.vol = cfg.volume();
        BaseModelConfig.Appearance a = cfg.appearance();
        boolean ws = cfg.weightStandardization();
        stem = child("stem", Conv.builder(2, 3, a.stemChannels(), 7).spectral(cfg.spectralNorm()).build());
        int in = a.stemChannels();
        int i = 0;
        for (int out : a.downChannels()) {
            down.add(child("down." + i++, Residual.builder(cfg, 2, in, out).downsample(2, 2).build()));
            in = out;
        }
        norm = child("norm", new GroupNorm(in, cfg.groups()));
        toVolume = child("toVolume", Conv.builder(2, in, vol.channels() * vol.depth(), 1).standardized(ws)
                .spectral(cfg.spectralNorm()).build());
        for (int b = 0; b < a.volumeBlocks(); b++) {
            volumeBlocks.add(child("volume." + b, Residual.builder(cfg, 3, vol.channels(), vol.channels()).build()));
        }
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = apply(stem, store, inputs.singletonOrThrow(), training);
        for (ResBlock b : down) {
            x = apply(b, store, x, training);
        }
        x = apply(toVolume, store, Activation.relu(apply(norm, store, x, training)), training);
        long n = x.getShape().get(0);
        x = x.reshape(n, vol.channels(), vol.depth(), vol.size(), vol.size());
        for (ResBlock b : volumeBlocks) {
            x = apply(b, store, x, training);
        }
        return new NDList(x);
    }
}
