package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import org.megaportraits.nn.tensor.Scalars;

/**
 * The cycle-consistency loss of the paper (eq. 6, 7) in CosFace form (Wang et al. 2018): for each
 * anchor descriptor with its positive and a set of negatives,
 * {@code log(1 + sum_n exp(s * cos(a, n) - s * (cos(a, p) - m)))}, averaged over anchors. The
 * margin {@code m} is taken from the positive pair only, so it widens the gap the loss asks for.
 * Paper: s = 5, m = 0.2, weight 2.
 *
 * <p>In stage 1 the anchors are the motion descriptors of the prediction and of the cross-reenacted
 * image, their positive the driver's descriptor; the negatives are descriptors of drivers from
 * other videos (the second pair's driver and the other samples of the batch).
 */
public record CosFaceCycleLoss(double scale, double margin) {

    /** The paper's s = 5, m = 0.2. */
    public static final CosFaceCycleLoss PAPER = new CosFaceCycleLoss(5, 0.2);

    /**
     * The loss.
     *
     * @param anchors A x Z descriptors
     * @param positives A x Z, the positive of each anchor
     * @param negatives N x Z candidate negatives
     * @param negativeMask A x N, 1 where candidate n is a negative of anchor a, else 0; every anchor
     *     needs at least one (otherwise its term is log 1 = 0 and carries no gradient)
     * @return a scalar
     */
    public NDArray loss(NDArray anchors, NDArray positives, NDArray negatives, NDArray negativeMask) {
        NDArray a = unit(anchors);
        NDArray cosPositive = a.mul(unit(positives)).sum(new int[] {1}, true);
        NDArray cosNegative = a.matMul(unit(negatives).transpose());
        NDArray excess = Scalars.mul(cosNegative.sub(Scalars.sub(cosPositive, (float) margin)), scale);
        NDArray sum = excess.exp().mul(negativeMask).sum(new int[] {1});
        return Scalars.add(sum, 1f).log().mean();
    }

    private static NDArray unit(NDArray z) {
        return z.div(Scalars.add(z.square().sum(new int[] {1}, true), 1e-12f).sqrt());
    }
}
