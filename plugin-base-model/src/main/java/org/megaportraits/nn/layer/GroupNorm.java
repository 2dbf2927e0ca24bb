package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.tensor.TorchOps;

/**
 * Group normalisation (Wu and He 2018), which the paper uses instead of batch normalisation
 * everywhere: channels split into groups, each group of each sample normalised over its channels
 * and positions, then a per-channel scale {@code gamma} and shift {@code beta}. Works on 2D and 3D
 * feature maps alike and behaves the same in training and inference. Statistics are taken in fp32
 * for half-precision inputs. PyTorch's {@code group_norm} does normalisation and affine part in one
 * kernel each way (see {@link TorchOps}).
 */
public final class GroupNorm extends NetworkBlock {

    /** Added to the variance before the square root. */
    public static final float EPS = 1e-5f;

    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;

    /** Normalisation of {@code channels} channels in {@code groups} groups (which must divide them). */
    public GroupNorm(int channels, int groups) {
        checkGroups(channels, groups);
        this.groups = groups;
        this.gamma = parameter("gamma", new Shape(channels), Init.constant(1f));
        this.beta = parameter("beta", new Shape(channels), Init.constant(0f));
    }

    static void checkGroups(int channels, int groups) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " channels");
        }
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = valueFor(store, gamma, x, training);
        NDArray b = valueFor(store, beta, x, training);
        checkGroups((int) x.getShape().get(1), groups);
        return new NDList(TorchOps.groupNorm(x, groups, g, b, EPS));
    }

    /** The shape (n, C, 1, ...) that broadcasts a per-channel value over a feature map. */
    static Shape perChannel(Shape featureMap, long n) {
        long[] s = new long[featureMap.dimension()];
        java.util.Arrays.fill(s, 1);
        s[0] = n;
        s[1] = featureMap.get(1);
        return new Shape(s);
    }

    /** {@code x} (N, C, ...) normalised per sample and group, without affine part; same type as x. */
    public static NDArray normalize(NDArray x, int groups) {
        checkGroups((int) x.getShape().get(1), groups);
        return TorchOps.groupNorm(x, groups, null, null, EPS);
    }
}
