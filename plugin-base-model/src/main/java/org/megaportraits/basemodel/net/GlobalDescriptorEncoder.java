package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.layer.Resample;
import org.megaportraits.nn.layer.ResNet;

/**
 * The global descriptor e_s: the masked source resized to the configured input size, a
 * group-normalised ResNet-50, a 1x1 convolution to the descriptor channels and average pooling
 * to embedSize x embedSize (paper: 512 x 4 x 4, a tensor, not a vector). Children:
 * {@code resnet, head}.
 */
public final class GlobalDescriptorEncoder extends NetworkBlock {

    private final BaseModelConfig.Descriptor d;
    private final ResNet resnet;
    private final Conv head;

    /** The encoder of a configuration. */
    public GlobalDescriptorEncoder(BaseModelConfig cfg) {
        this.d = cfg.descriptor();
        resnet = child("resnet", new ResNet(ResNet.Unit.BOTTLENECK, 3, d.stemChannels(), d.stageWidths(),
                d.stageBlocks(), cfg.groups(), cfg.weightStandardization()));
        head = child("head", Conv.builder(2, resnet.outChannels(), d.channels(), 1).spectral(cfg.spectralNorm()).build());
    }

    /** Input: masked source (N, 3, S, S) in [0, 1]. Output: e_s (N, channels, embed, embed). */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = Resample.resize(inputs.singletonOrThrow(), d.inputSize(), d.inputSize());
        x = apply(head, store, apply(resnet, store, x, training), training);
        int k = (int) (x.getShape().get(2) / d.embedSize());
        return new NDList(Resample.averagePool(x, k, k));
    }
}
