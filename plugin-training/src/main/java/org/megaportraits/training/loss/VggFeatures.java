package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.nn.tensor.FrozenCasts;
import org.megaportraits.nn.weights.WeightsFile;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.nn.tensor.Scalars;

/**
 * The convolutional part of VGG16 or VGG19 (Simonyan and Zisserman) up to relu5_1, frozen, giving
 * relu1_1, relu2_1, relu3_1, relu4_1 and relu5_1. Weights come from a file in our weights format
 * with torchvision's names ({@code features.0.weight}, {@code features.0.bias}, ...); further
 * tensors in the file (deeper layers, the classifier) are ignored. Input: RGB in [0, 1], normalised
 * here with the ImageNet mean and deviation.
 */
public final class VggFeatures implements FeatureNetwork {

    private static final int POOL = -1;
    private static final int[] VGG16 = {64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL, 512, 512, 512, POOL, 512};
    private static final int[] VGG19 = {64, 64, POOL, 128, 128, POOL, 256, 256, 256, 256, POOL, 512, 512, 512, 512,
        POOL, 512};
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final String name;
    private final NDManager manager;
    private final int[] layout;
    private final List<NDArray[]> convs = new ArrayList<>();
    /** The weights on the images' device and in their type (mixed precision computes in bf16), made once. */
    private final FrozenCasts casts = new FrozenCasts();

    private VggFeatures(String name, NDManager manager, int[] layout) {
        this.name = name;
        this.manager = manager;
        this.layout = layout;
    }

    /**
     * Loads VGG ({@code depth} 16 or 19) from our weights format onto {@code parent}'s device.
     *
     * @throws ModelUnavailableException if the file is missing or lacks a tensor
     */
    public static VggFeatures load(Path file, int depth, NDManager parent) {
        int[] layout = depth == 19 ? VGG19 : depth == 16 ? VGG16 : null;
        if (layout == null) {
            throw new IllegalArgumentException("VGG depth must be 16 or 19, got " + depth);
        }
        WeightsFile weights = WeightsFile.open(file);
        VggFeatures v = new VggFeatures("vgg" + depth, parent.newSubManager(), layout);
        int index = 0;
        int in = 3;
        for (int width : layout) {
            if (width == POOL) {
                index++;
                continue;
            }
            NDArray w = tensor(weights, file, "features." + index + ".weight", new Shape(width, in, 3, 3), v.manager);
            NDArray b = tensor(weights, file, "features." + index + ".bias", new Shape(width), v.manager);
            v.convs.add(new NDArray[] {w, b});
            in = width;
            index += 2;
        }
        return v;
    }

    private static NDArray tensor(WeightsFile file, Path path, String name, Shape shape, NDManager m) {
        WeightsFile.Entry e = file.entries().get(name);
        if (e == null || !e.shape().equals(shape)) {
            throw new ModelUnavailableException("VGG weight file " + path + (e == null ? " lacks " + name
                    : " has " + name + " of shape " + e.shape() + ", expected " + shape),
                    "export the ImageNet VGG's state_dict with torchvision's parameter names (features.N.weight/bias) "
                            + "into our weights format, or remove networks.vgg19 from the configuration");
        }
        NDArray a = file.read(e, m).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        a.setRequiresGradient(false);
        return a;
    }

    @Override
    public int minimumSide() {
        return 16;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NDList features(NDArray images) {
        // made on the device by filling: an upload would wait for everything queued there
        NDArray mean = Scalars.vector(images.getManager(), images.getDevice(), images.getDataType(), MEAN).reshape(1, 3, 1, 1);
        NDArray std = Scalars.vector(images.getManager(), images.getDevice(), images.getDataType(), STD).reshape(1, 3, 1, 1);
        NDArray x = images.sub(mean).div(std);
        NDList out = new NDList();
        int conv = 0;
        boolean firstAfterPool = true;
        for (int width : layout) {
            if (width == POOL) {
                x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                firstAfterPool = true;
                continue;
            }
            NDArray[] c = convs.get(conv++);
            x = Activation.relu(Conv2d.conv2d(x, casts.like(c[0], x), casts.like(c[1], x), new Shape(1, 1), new Shape(1, 1),
                    new Shape(1, 1), 1).singletonOrThrow());
            if (firstAfterPool) {
                out.add(x);
                firstAfterPool = false;
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
