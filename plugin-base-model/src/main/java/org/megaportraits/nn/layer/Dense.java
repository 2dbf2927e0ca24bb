package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * A fully connected layer on (N, in) inputs with optional spectral normalisation. Parameters:
 * {@code weight} (out, in), {@code bias} (out) when enabled.
 */
public final class Dense extends NetworkBlock implements MultiplyAddCounter {

    private final int in;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter spectral;
    private NDArray inferenceWeight;
    private long multiplyAdds;

    /**
     * @param in       input features
     * @param out      output features
     * @param bias     whether to add a bias
     * @param spectral whether to normalise the weight spectrally
     */
    public Dense(int in, int out, boolean bias, boolean spectral) {
        this.in = in;
        this.weight = parameter("weight", new Shape(out, in), Init.fanInUniform(in, 1f));
        this.bias = bias ? parameter("bias", new Shape(out), Init.fanInUniform(in, 1f)) : null;
        this.spectral = spectral ? buffer("spectral_u", new Shape(out), Init.normal(1f)) : null;
    }

    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w;
        if (spectral == null) {
            w = value(store, weight, x.getDevice(), training);
        } else if (training || inferenceWeight == null) {
            w = SpectralNorm.apply(value(store, weight, x.getDevice(), training),
                    value(store, spectral, x.getDevice(), training), training);
        } else {
            w = inferenceWeight;
        }
        w = MixedPrecision.asTypeOf(w, x);
        NDArray y = x.matMul(w.transpose());
        if (bias != null) {
            y = y.add(valueFor(store, bias, x, training));
        }
        multiplyAdds += y.getShape().size() * in;
        return new NDList(y);
    }

    @Override
    protected void prepareInference() {
        if (inferenceWeight != null) {
            inferenceWeight.close();
            inferenceWeight = null;
        }
        if (spectral != null) {
            NDArray w = weight.getArray();
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                inferenceWeight = SpectralNorm.apply(w, spectral.getArray(), false);
                ai.djl.ndarray.NDScope.unregister(inferenceWeight);
            }
            inferenceWeight.attach(w.getManager());
        }
    }

    @Override
    public long multiplyAdds() {
        return multiplyAdds;
    }

    @Override
    public void resetMultiplyAdds() {
        multiplyAdds = 0;
    }
}
