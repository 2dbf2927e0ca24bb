package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet feature extractor (He et al. 2016) with group normalisation in place of batch
 * normalisation and weight standardisation on every convolution but the stem, as the paper uses
 * for its global descriptor (ResNet-50, bottleneck blocks) and expression encoder (ResNet-18, basic
 * blocks). Output: the last stage's feature map, 1/32 of the input size. Children: {@code stem,
 * stemNorm, stage.S.B} (stage S, block B).
 */
public final class ResNet extends NetworkBlock {

    /** Which residual unit the stages are made of. */
    public enum Unit {
        /** Two 3x3 convolutions (ResNet-18/34). */
        BASIC(1),
        /** 1x1 reduce, 3x3, 1x1 expand by 4 (ResNet-50 and deeper). */
        BOTTLENECK(4);

        private final int expansion;

        Unit(int expansion) {
            this.expansion = expansion;
        }
    }

    private final Conv stem;
    private final GroupNorm stemNorm;
    private final List<NetworkBlock> units = new ArrayList<>();
    private final int outChannels;

    /**
     * @param unit         residual unit type
     * @param inChannels   input channels (3 for images)
     * @param stemChannels channels of the 7x7 stride-2 stem
     * @param widths       width of each stage (before expansion)
     * @param blocks       units per stage
     * @param groups       group-norm groups
     * @param ws           weight standardisation on all but the stem
     */
    public ResNet(Unit unit, int inChannels, int stemChannels, int[] widths, int[] blocks, int groups, boolean ws) {
        if (widths.length != blocks.length) {
            throw new IllegalArgumentException("stage widths and block counts differ in length");
        }
        stem = child("stem", Conv.builder(2, inChannels, stemChannels, 7).stride(2).bias(false).build());
        stemNorm = child("stemNorm", new GroupNorm(stemChannels, groups));
        int in = stemChannels;
        for (int s = 0; s < widths.length; s++) {
            for (int b = 0; b < blocks[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                units.add(child("stage." + s + "." + b, new ResidualUnit(unit, in, widths[s], stride, groups, ws)));
                in = widths[s] * unit.expansion;
            }
        }
        outChannels = in;
    }

    /** Channels of the output feature map. */
    public int outChannels() {
        return outChannels;
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = Activation.relu(apply(stemNorm, store, apply(stem, store, inputs.singletonOrThrow(), training), training));
        x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        for (NetworkBlock u : units) {
            x = apply(u, store, x, training);
        }
        return new NDList(x);
    }

    /** One post-activation residual unit: {@code relu(main(x) + shortcut(x))}. */
    private static final class ResidualUnit extends NetworkBlock {

        private final List<NetworkBlock> main = new ArrayList<>();
        private final Conv shortcut;
        private final GroupNorm shortcutNorm;

        ResidualUnit(Unit unit, int in, int width, int stride, int groups, boolean ws) {
            int out = width * unit.expansion;
            if (unit == Unit.BASIC) {
                main.add(child("conv1", Conv.builder(2, in, width, 3).stride(stride).bias(false).standardized(ws).build()));
                main.add(child("norm1", new GroupNorm(width, groups)));
                main.add(child("conv2", Conv.builder(2, width, width, 3).bias(false).standardized(ws).build()));
                main.add(child("norm2", new GroupNorm(width, groups)));
            } else {
                main.add(child("conv1", Conv.builder(2, in, width, 1).bias(false).standardized(ws).build()));
                main.add(child("norm1", new GroupNorm(width, groups)));
                main.add(child("conv2", Conv.builder(2, width, width, 3).stride(stride).bias(false).standardized(ws).build()));
                main.add(child("norm2", new GroupNorm(width, groups)));
                main.add(child("conv3", Conv.builder(2, width, out, 1).bias(false).standardized(ws).build()));
                main.add(child("norm3", new GroupNorm(out, groups)));
            }
            if (in != out || stride != 1) {
                shortcut = child("shortcut", Conv.builder(2, in, out, 1).stride(stride).bias(false).standardized(ws).build());
                shortcutNorm = child("shortcutNorm", new GroupNorm(out, groups));
            } else {
                shortcut = null;
                shortcutNorm = null;
            }
        }

        @Override
        protected NDList run(ParameterStore store, NDList inputs, boolean training) {
            NDArray x = inputs.singletonOrThrow();
            NDArray h = x;
            for (int i = 0; i < main.size(); i++) {
                h = apply(main.get(i), store, h, training);
                // ReLU after every norm but the last: the last one's output is added to the shortcut first
                if (main.get(i) instanceof GroupNorm && i < main.size() - 1) {
                    h = Activation.relu(h);
                }
            }
            NDArray s = shortcut == null ? x : apply(shortcutNorm, store, apply(shortcut, store, x, training), training);
            return new NDList(Activation.relu(h.add(s)));
        }
    }
}
