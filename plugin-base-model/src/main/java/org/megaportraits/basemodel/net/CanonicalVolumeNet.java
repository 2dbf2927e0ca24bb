package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.GroupNorm;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.layer.ResBlock;
import org.megaportraits.nn.layer.Resample;

/**
 * G3D, a 3D U-Net on the canonical volume. Encoder levels i = 0..L-1 have height V / 2^i and
 * depth min(D * 2^(i+1), V / 2^i) (for the paper's 16 x 64 x 64: 32x64x64, 32x32x32, 16x16x16,
 * the authors' schedule: depth first grows, then shrinks with the other axes); a residual block at
 * each level widens the channels (paper 96 -> 192 -> 384 -> 512). The decoder starts from a
 * learned seed at half the last level's size (paper 512 x 8 x 8 x 8), and at each level
 * up-samples (nearest), adds the level's encoder features passed through a residual skip block
 * and narrows the channels with a residual block. Head: depth back to D, group norm, ReLU, 1x1x1
 * convolution. Depends on the source alone. Children: {@code down.i, skip.i, up.i, norm, head};
 * parameter {@code seed}.
 */
public final class CanonicalVolumeNet extends NetworkBlock {

    private final int[][] sizes;
    private final int inDepth;
    private final List<ResBlock> down = new ArrayList<>();
    private final List<ResBlock> skip = new ArrayList<>();
    private final List<ResBlock> up = new ArrayList<>();
    private final Parameter seed;
    private final GroupNorm norm;
    private final Conv head;

    /** G3D of a configuration. */
    public CanonicalVolumeNet(BaseModelConfig cfg) {
        BaseModelConfig.Volume v = cfg.volume();
        int[] ch = cfg.canonical().channels();
        int levels = ch.length;
        boolean sn = cfg.spectralNorm();
        this.inDepth = v.depth();
        sizes = new int[levels][];
        for (int i = 0; i < levels; i++) {
            int side = v.size() >> i;
            sizes[i] = new int[] {Math.min(v.depth() << (i + 1), side), side, side};
        }
        int in = v.channels();
        for (int i = 0; i < levels; i++) {
            down.add(child("down." + i, Residual.builder(cfg, 3, in, ch[i]).build()));
            skip.add(child("skip." + i, Residual.builder(cfg, 3, ch[i], ch[i]).build()));
            in = ch[i];
        }
        int[] last = sizes[levels - 1];
        seed = parameter("seed", new Shape(1, ch[levels - 1], last[0] / 2, last[1] / 2, last[2] / 2), Init.normal(1f));
        for (int i = levels - 1; i >= 0; i--) {
            int out = i > 0 ? ch[i - 1] : v.channels();
            up.add(child("up." + i, Residual.builder(cfg, 3, ch[i], out).build()));
        }
        norm = child("norm", new GroupNorm(v.channels(), cfg.groups()));
        head = child("head", Conv.builder(3, v.channels(), v.channels(), 1).spectral(sn).build());
    }

    /** Input: the canonical volume (N, C, D, V, V). Output: the processed volume, same shape. */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.singletonOrThrow();
        long n = x.getShape().get(0);
        List<NDArray> features = new ArrayList<>();
        for (int i = 0; i < down.size(); i++) {
            x = resize(x, sizes[i]);
            x = apply(down.get(i), store, x, training);
            features.add(x);
        }
        NDArray s = valueFor(store, seed, x, training);
        Shape ss = s.getShape();
        x = s.broadcast(new Shape(n, ss.get(1), ss.get(2), ss.get(3), ss.get(4)));
        for (int k = 0; k < up.size(); k++) {
            int level = down.size() - 1 - k;
            x = resize(x, sizes[level]);
            NDArray feature = apply(skip.get(level), store, features.get(level), training);
            x = apply(up.get(k), store, x.add(feature), training);
        }
        x = resize(x, new int[] {inDepth, sizes[0][1], sizes[0][2]});
        return new NDList(apply(head, store, Activation.relu(apply(norm, store, x, training)), training));
    }

    /** Nearest up-sampling or average pooling, axis by axis, by factors of two. */
    private static NDArray resize(NDArray x, int[] target) {
        Shape s = x.getShape();
        int[] upF = new int[3];
        int[] downF = new int[3];
        for (int a = 0; a < 3; a++) {
            long cur = s.get(2 + a);
            upF[a] = target[a] > cur ? (int) (target[a] / cur) : 1;
            downF[a] = target[a] < cur ? (int) (cur / target[a]) : 1;
        }
        return Resample.averagePool(Resample.upsampleNearest(x, upF), downF);
    }
}
