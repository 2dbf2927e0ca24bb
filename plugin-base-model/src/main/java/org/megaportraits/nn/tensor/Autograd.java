package org.megaportraits.nn.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd's backward pass, callable from any thread. DJL's {@code GradientCollector.backward}
 * makes its seed (the ones the pass starts from) on the calling thread, where no NDScope of the
 * step is open when that thread is a helper; here the caller makes it.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * Accumulates into every leaf's gradient the gradient of {@code target} weighted by
     * {@code seed} (same shape; ones for the plain gradient), then frees the graph.
     */
    public static void backward(NDArray target, NDArray seed) {
        JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
    }
}
