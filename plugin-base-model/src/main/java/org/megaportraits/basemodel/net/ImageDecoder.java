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

/**
 * Projection and G2D: the driver volume (N, C, D, V, V) reshaped to C*D channels and projected by
 * a 1x1 convolution (paper 1536 -> 512; orthographic, not a sum over depth), residual blocks at
 * that resolution (paper 8, authors' code 6), up-sampling residual blocks (nearest x2, then
 * convolve) narrowing the channels, group norm, ReLU, a 1x1 convolution to RGB and a sigmoid.
 * Children: {@code projection, block.i, up.i, norm, head}.
 */
public final class ImageDecoder extends NetworkBlock {

    private final Conv projection;
    private final List<ResBlock> blocks = new ArrayList<>();
    private final List<ResBlock> ups = new ArrayList<>();
    private final GroupNorm norm;
    private final Conv head;

    /** The decoder of a configuration. */
    public ImageDecoder(BaseModelConfig cfg) {
        BaseModelConfig.Volume v = cfg.volume();
        BaseModelConfig.Decoder d = cfg.decoder();
        boolean sn = cfg.spectralNorm();
        projection = child("projection", Conv.builder(2, v.channels() * v.depth(), d.channels(), 1).bias(false)
                .spectral(sn).build());
        for (int i = 0; i < d.blocks(); i++) {
            blocks.add(child("block." + i, Residual.builder(cfg, 2, d.channels(), d.channels()).build()));
        }
        int in = d.channels();
        for (int i = 0; i < d.upChannels().length; i++) {
            ups.add(child("up." + i, Residual.builder(cfg, 2, in, d.upChannels()[i])
                    .upsample(Resample.Mode.NEAREST, 2, 2).build()));
            in = d.upChannels()[i];
        }
        norm = child("norm", new GroupNorm(in, cfg.groups()));
        head = child("head", Conv.builder(2, in, 3, 1).spectral(sn).build());
    }

    /** Input: the driver volume (N, C, D, V, V). Output: images (N, 3, S, S) in [0, 1]. */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray vol = inputs.singletonOrThrow();
        long[] s = vol.getShape().getShape();
        NDArray x = apply(projection, store, vol.reshape(s[0], s[1] * s[2], s[3], s[4]), training);
        for (ResBlock b : blocks) {
            x = apply(b, store, x, training);
        }
        for (ResBlock b : ups) {
            x = apply(b, store, x, training);
        }
        return new NDList(Activation.sigmoid(apply(head, store, Activation.relu(apply(norm, store, x, training)), training)));
    }
}
