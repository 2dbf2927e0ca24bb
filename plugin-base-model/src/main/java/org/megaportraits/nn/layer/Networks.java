package org.megaportraits.nn.layer;

import ai.djl.nn.Block;
import ai.djl.util.Pair;

/** Operations over a whole block tree. */
public final class Networks {

    private Networks() {
    }

    /**
     * Readies an initialised network for inference only: parameters stop requiring gradients (no
     * autograd graph is recorded whatever the thread's grad mode) and layers precompute what does
     * not change between passes (standardised and spectrally normalised weights). Call again
     * after changing the weights.
     */
    public static void prepareInference(Block root) {
        root.freezeParameters(true);
        walk(root);
    }

    private static void walk(Block b) {
        if (b instanceof NetworkBlock nb) {
            nb.prepareInference();
        }
        for (Pair<String, Block> c : b.getChildren()) {
            walk(c.getValue());
        }
    }

    /** Multiply-adds counted by the layers of {@code root} since their last reset. */
    public static long multiplyAdds(Block root) {
        long n = root instanceof MultiplyAddCounter c ? c.multiplyAdds() : 0;
        for (Pair<String, Block> child : root.getChildren()) {
            n += multiplyAdds(child.getValue());
        }
        return n;
    }

    /** Resets the multiply-add counters of every layer of {@code root}. */
    public static void resetMultiplyAdds(Block root) {
        if (root instanceof MultiplyAddCounter c) {
            c.resetMultiplyAdds();
        }
        for (Pair<String, Block> child : root.getChildren()) {
            resetMultiplyAdds(child.getValue());
        }
    }
}
