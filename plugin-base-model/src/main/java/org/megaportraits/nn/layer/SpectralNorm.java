package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.nn.tensor.TorchOps;

/**
 * Spectral normalisation (Miyato et al. 2018): a weight divided by an estimate of its largest
 * singular value sigma. The estimate comes from one power-iteration step per pass, starting from
 * the left singular vector {@code u} kept between passes; in training the step's result is
 * written back into {@code u} so that the estimate sharpens over iterations. u and v are held
 * constant for the gradient, as in the original method. One {@link TorchOps} call per weight.
 */
public final class SpectralNorm {

    private static final float EPS = 1e-12f;

    private SpectralNorm() {
    }

    /**
     * The weight divided by sigma.
     *
     * @param w      weight, output channels first (any number of further axes)
     * @param u      the persistent left singular vector (one value per output channel)
     * @param update whether to store the refined u back (training passes)
     */
    public static NDArray apply(NDArray w, NDArray u, boolean update) {
        return TorchOps.spectralNorm(w, u, update, EPS);
    }

    /** {@link #apply} built from DJL's operators: the reference the tests hold the TorchScript version to. */
    static NDArray applyByOps(NDArray w, NDArray u, boolean update) {
        NDArray mat = MixedPrecision.cast(w, DataType.FLOAT32).reshape(w.getShape().get(0), -1);
        NDArray fixed = mat.stopGradient();
        NDArray u0 = u.toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray v = normalize(fixed.transpose().matMul(u0));
        NDArray u1 = normalize(fixed.matMul(v));
        NDArray sigma = u1.transpose().matMul(mat).matMul(v).reshape(1);
        if (update) {
            u.set(new NDIndex(":"), u1.reshape(-1).toType(u.getDataType(), false));
        }
        return MixedPrecision.cast(mat.div(sigma).reshape(w.getShape()), w.getDataType());
    }

    private static NDArray normalize(NDArray x) {
        return x.div(Scalars.add(x.square().sum().sqrt(), EPS));
    }
}
