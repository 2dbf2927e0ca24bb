package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.layer.Dense;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.layer.Resample;
import org.megaportraits.nn.layer.ResNet;

/**
 * The expression part of the motion encoder: a face-aligned crop of the driver, resized to the
 * configured input size (paper 128), through a group-normalised ResNet-18 trained from scratch,
 * global average pooling and a linear layer to the latent expression code z (paper 512-d).
 * Children: {@code resnet, head}.
 */
public final class ExpressionEncoder extends NetworkBlock {

    private final int inputSize;
    private final ResNet resnet;
    private final Dense head;

    /** The encoder of a configuration. */
    public ExpressionEncoder(BaseModelConfig cfg) {
        BaseModelConfig.Expression e = cfg.expression();
        this.inputSize = e.inputSize();
        resnet = child("resnet", new ResNet(ResNet.Unit.BASIC, 3, e.stemChannels(), e.stageWidths(), e.stageBlocks(),
                cfg.groups(), cfg.weightStandardization()));
        head = child("head", new Dense(resnet.outChannels(), e.zDim(), true, cfg.spectralNorm()));
    }

    /** Input: crops (N, 3, h, w) in [0, 1]. Output: z (N, zDim). */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = Resample.resize(inputs.singletonOrThrow(), inputSize, inputSize);
        NDArray f = apply(resnet, store, x, training);
        NDArray pooled = f.mean(new int[] {3}).mean(new int[] {2});
        return new NDList(apply(head, store, pooled, training));
    }
}
