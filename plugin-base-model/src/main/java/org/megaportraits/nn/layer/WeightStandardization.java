package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.megaportraits.nn.tensor.MixedPrecision;

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

    /**
     * The standardised weight, same shape and type as {@code w} (out channels first). One
     * layer-norm kernel over the rows of filters does the mean / subtract / square / mean /
     * divide chain (training recomputes this for every convolution in every pass).
     */
    public static NDArray apply(NDArray w) {
        Shape s = w.getShape();
        NDArray rows = MixedPrecision.cast(w, DataType.FLOAT32).reshape(s.get(0), -1);
        Shape row = new Shape(rows.getShape().get(1));
        NDManager m = rows.getManager();
        NDArray ones = m.ones(row, DataType.FLOAT32, rows.getDevice());
        NDArray zeros = m.zeros(row, DataType.FLOAT32, rows.getDevice());
        NDArray out = rows.getNDArrayInternal().layerNorm(rows, row, ones, zeros, EPS).singletonOrThrow().reshape(s);
        return MixedPrecision.cast(out, w.getDataType());
    }
}
