package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.training.tensor.Scalars;

/**
 * The paper computes every loss on the foreground only: images are composited with the target's
 * matte over a flat colour, {@code alpha * image + (1 - alpha) * colour}, so that the background
 * contributes nothing and the model is never asked to generate it.
 */
public final class Foreground {

    private final float[] colour;

    /** Composites over the given RGB colour in [0, 1]. */
    public Foreground(float[] colour) {
        if (colour.length != 3) {
            throw new IllegalArgumentException("the flat colour needs 3 channels, got " + colour.length);
        }
        this.colour = colour.clone();
    }

    /** {@code images} (N x 3 x H x W) composited with {@code mattes} (N x 1 x H x W) over the colour. */
    public NDArray composite(NDArray images, NDArray mattes) {
        NDArray flat = MixedPrecision.asTypeOf(Scalars.owned(images.getManager().create(colour, new Shape(1, 3, 1, 1))
                .toDevice(images.getDevice(), false)), images);
        NDArray alpha = MixedPrecision.asTypeOf(mattes, images);
        return images.mul(alpha).add(flat.mul(alpha.neg().add(1f)));
    }
}
