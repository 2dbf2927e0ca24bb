package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import org.megaportraits.nn.tensor.ScriptProgram;

/**
 * Hard labels into soft mattes on their device, in one engine call ({@code SoftMatte.torchscript}
 * beside this class): a Gaussian feather at the labels' size (two products with band matrices of
 * taps renormalised at the border, so a constant map stays constant), then a bilinear scale-up to
 * the crops' size, clipped to [0, 1].
 */
final class SoftMatte {

    private static final ScriptProgram PROGRAM = ScriptProgram.compileResource(SoftMatte.class, "SoftMatte");

    private SoftMatte() {
    }

    /**
     * @param labels N x 1 x h x w, float32
     * @param sigma  the feather's Gaussian sigma in label pixels
     * @return N x 1 x height x width in [0, 1], on the labels' manager
     */
    static NDArray soften(NDArray labels, double sigma, int height, int width) {
        return PROGRAM.call("soften", labels, ScriptProgram.number(sigma), ScriptProgram.number((long) height),
                ScriptProgram.number((long) width)).singletonOrThrow();
    }
}
