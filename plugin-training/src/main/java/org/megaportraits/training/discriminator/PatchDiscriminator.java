package org.megaportraits.training.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.GroupNorm;
import org.megaportraits.nn.layer.NetworkBlock;

/**
 * A patch discriminator: {@code blocks} 4 x 4 convolutions doubling the width from {@code width}
 * (64 -> 128 -> 256 -> 512 for 4 blocks), stride 2 except the last block, instance normalisation
 * on all but the first, LeakyReLU 0.2, then a 4 x 4 convolution to one score per patch. Every
 * convolution is spectrally normalised. Output: the features of each block followed by the score
 * map (N x 1 x h x w).
 *
 * <p>Instance normalisation is group normalisation with one group per channel, without an affine
 * part (as PyTorch's {@code InstanceNorm2d} default).
 */
public final class PatchDiscriminator extends NetworkBlock {

    private final List<Conv> convs = new ArrayList<>();
    private final Conv score;

    /** A discriminator of {@code blocks} blocks starting at {@code width} channels. */
    public PatchDiscriminator(int width, int blocks) {
        int in = 3;
        for (int i = 0; i < blocks; i++) {
            int out = width << i;
            int stride = i == blocks - 1 ? 1 : 2;
            convs.add(child("block" + i, Conv.builder(2, in, out, 4).stride(stride).padding(2).spectral(true).build()));
            in = out;
        }
        score = child("score", Conv.builder(2, in, 1, 4).stride(1).padding(2).spectral(true).build());
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.singletonOrThrow();
        NDList out = new NDList();
        for (int i = 0; i < convs.size(); i++) {
            x = apply(convs.get(i), store, x, training);
            if (i > 0) {
                x = GroupNorm.normalize(x, (int) x.getShape().get(1));
            }
            x = Activation.leakyRelu(x, 0.2f);
            out.add(x);
        }
        out.add(apply(score, store, x, training));
        return out;
    }
}
