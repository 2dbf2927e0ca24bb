package org.megaportraits.training.discriminator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Patch discriminators at several scales (pix2pixHD): scale 0 sees the image, each further scale
 * an image halved by 3 x 3 average pooling (stride 2, padding 1, padding not counted). The paper
 * uses 2 scales (512 and 256).
 */
public final class MultiScaleDiscriminator extends NetworkBlock {

    private final List<PatchDiscriminator> scales = new ArrayList<>();

    /** Judgements of one batch: per scale, the block features and the score map. */
    public record Judgement(List<List<NDArray>> features, NDList scores) {
    }

    /** {@code count} discriminators of {@code blocks} blocks from {@code width} channels. */
    public MultiScaleDiscriminator(int count, int width, int blocks) {
        for (int i = 0; i < count; i++) {
            scales.add(child("scale" + i, new PatchDiscriminator(width, blocks)));
        }
    }

    /** Judges images (N x 3 x H x W in [0, 1]). */
    public Judgement judge(ParameterStore store, NDArray images, boolean training) {
        NDList flat = forward(store, new NDList(images), training);
        List<List<NDArray>> features = new ArrayList<>();
        NDList scores = new NDList();
        int per = flat.size() / scales.size();
        for (int s = 0; s < scales.size(); s++) {
            features.add(new ArrayList<>(flat.subList(s * per, s * per + per - 1)));
            scores.add(flat.get(s * per + per - 1));
        }
        return new Judgement(features, scores);
    }

    /**
     * Judges two batches of the same size in one pass over both (every layer treats each image on
     * its own: the judgements are those of two passes, up to rounding), with half the engine calls
     * and one spectral-normalisation step of each weight instead of two. Element 0 judges
     * {@code first}, element 1 {@code second}.
     */
    public List<Judgement> judgeTogether(ParameterStore store, NDArray first, NDArray second, boolean training) {
        if (!first.getShape().equals(second.getShape())) {
            throw new IllegalArgumentException("batches judged together must have one shape, got " + first.getShape()
                    + " and " + second.getShape());
        }
        Judgement both = judge(store, first.concat(second, 0), training);
        List<List<List<NDArray>>> features = List.of(new ArrayList<>(), new ArrayList<>());
        List<NDList> scores = List.of(new NDList(), new NDList());
        for (int s = 0; s < both.scores().size(); s++) {
            List<List<NDArray>> scale = List.of(new ArrayList<>(), new ArrayList<>());
            for (NDArray f : both.features().get(s)) {
                NDList parts = f.split(2, 0);
                scale.get(0).add(parts.get(0));
                scale.get(1).add(parts.get(1));
            }
            NDList parts = both.scores().get(s).split(2, 0);
            for (int h = 0; h < 2; h++) {
                features.get(h).add(scale.get(h));
                scores.get(h).add(parts.get(h));
            }
        }
        return List.of(new Judgement(features.get(0), scores.get(0)), new Judgement(features.get(1), scores.get(1)));
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = Scalars.sub(Scalars.mul(inputs.singletonOrThrow(), 2), 1);
        NDList out = new NDList();
        for (int s = 0; s < scales.size(); s++) {
            if (s > 0) {
                x = Pool.avgPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, false);
            }
            out.addAll(apply(scales.get(s), store, x, training));
        }
        return out;
    }

    private static NDList apply(PatchDiscriminator d, ParameterStore store, NDArray x, boolean training) {
        return d.forward(store, new NDList(x), training);
    }
}
