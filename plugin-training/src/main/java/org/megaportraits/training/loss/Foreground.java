package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.nn.tensor.Scalars;

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
        // made on the device by filling: an upload would wait for everything queued there
        NDArray flat = Scalars.vector(images.getManager(), images.getDevice(), images.getDataType(), colour).reshape(1, 3, 1, 1);
        NDArray alpha = MixedPrecision.asTypeOf(mattes, images);
        return images.mul(alpha).add(flat.mul(Scalars.rsub(1f, alpha)));
    }
}
