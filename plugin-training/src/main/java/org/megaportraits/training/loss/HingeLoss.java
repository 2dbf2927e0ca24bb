package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Hinge adversarial loss for a multi-scale patch discriminator: every scale's patch map is
 * averaged, and the scales are summed.
 */
public final class HingeLoss {

    private HingeLoss() {
    }

    /** The discriminator's loss: {@code sum_scales mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))}. */
    public static NDArray discriminator(NDList realScores, NDList fakeScores) {
        NDArray total = null;
        for (int i = 0; i < realScores.size(); i++) {
            NDArray real = Scalars.maximum(Scalars.rsub(1f, realScores.get(i)), 0).mean();
            NDArray fake = Scalars.maximum(Scalars.add(fakeScores.get(i), 1f), 0).mean();
            NDArray both = real.add(fake);
            total = total == null ? both : total.add(both);
        }
        return total;
    }

    /** The generator's loss: {@code -sum_scales mean(D(fake))}. */
    public static NDArray generator(NDList fakeScores) {
        NDArray total = null;
        for (NDArray scores : fakeScores) {
            NDArray s = scores.mean().neg();
            total = total == null ? s : total.add(s);
        }
        return total;
    }
}
