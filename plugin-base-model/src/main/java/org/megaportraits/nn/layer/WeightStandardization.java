package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Weight standardisation (Qiao et al. 2019, used by the paper on every convolution that follows a
 * group normalisation): each output filter shifted to mean 0 and divided by its standard
 * deviation. Statistics are taken in fp32 whatever the weight's type, so half-precision weights
 * standardise as well as full-precision ones.
 */
public final class WeightStandardization {

    /** Added to the variance before the square root. */
    public static final float EPS = 1e-5f;

    private WeightStandardization() {
    }

    /** The standardised weight, same shape and type as {@code w} (out channels first). */
    public static NDArray apply(NDArray w) {
        Shape s = w.getShape();
        NDArray flat = w.getDataType() == DataType.FLOAT32 ? w.reshape(s.get(0), -1)
                : w.toType(DataType.FLOAT32, false).reshape(s.get(0), -1);
        NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
        NDArray var = centred.square().mean(new int[] {1}, true);
        NDArray out = centred.div(var.add(EPS).sqrt()).reshape(s);
        return out.getDataType() == w.getDataType() ? out : out.toType(w.getDataType(), false);
    }
}
