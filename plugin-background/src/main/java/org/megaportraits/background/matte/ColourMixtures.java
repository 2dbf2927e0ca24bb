package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Gaussian mixtures of RGB colours with full covariances, one mixture per image of a batch, fitted
 * by weighted expectation-maximisation on the images' device: GrabCut's colour models. Colours are
 * given as N x 3 x P (P pixels), their products ({@link Symmetric3#products}) as N x 6 x P, pixel
 * weights as N x 1 x P. Components start as equal-mass slices of the colours along their principal
 * axis (a deterministic stand-in for GrabCut's k-means).
 */
final class ColourMixtures {

    /** Components per mixture, as in GrabCut. */
    static final int COMPONENTS = 5;

    /**
     * Added to each covariance's diagonal, in squared [0, 1] units (about 3 of 255 levels): keeps a
     * flat region's component from collapsing to a spike on 8-bit values.
     */
    private static final float VARIANCE_FLOOR = 1.5e-4f;

    /** Mass below which a component counts as empty (its weight ends up tiny, its covariance the floor). */
    private static final float EMPTY = 1e-3f;

    /** Standard-normal quantiles that split a Gaussian into five slices of equal mass. */
    private static final float[] SLICES = {-0.8416f, -0.2533f, 0.2533f, 0.8416f};

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** Mixture parameters: log weights N x K x 1, means N x K x 3, inverse covariances N x K x 6, log-determinants N x K x 1. */
    private final NDArray logWeights;
    private final NDArray means;
    private final NDArray precisions;
    private final NDArray logDets;

    private ColourMixtures(NDArray logWeights, NDArray means, NDArray precisions, NDArray logDets) {
        this.logWeights = logWeights;
        this.means = means;
        this.precisions = precisions;
        this.logDets = logDets;
    }

    /** A first fit: components from slices along the principal colour axis of the weighted pixels. */
    static ColourMixtures initial(NDArray colours, NDArray products, NDArray weights) {
        NDArray mass = Scalars.add(weights.sum(new int[] {2}, true), EMPTY); // N x 1 x 1
        NDArray mean = colours.mul(weights).sum(new int[] {2}, true).div(mass); // N x 3 x 1
        NDArray centred = colours.sub(mean);
        NDArray cov = centred.mul(weights).matMul(centred.transpose(0, 2, 1)).div(mass); // N x 3 x 3
        // principal axis by power iteration from the grey axis
        NDArray axis = colours.getManager().ones(new ai.djl.ndarray.types.Shape(colours.getShape().get(0), 3, 1));
        for (int i = 0; i < 6; i++) {
            axis = cov.matMul(axis);
            axis = axis.div(Scalars.add(axis.norm(new int[] {1}, true), 1e-12f));
        }
        NDArray spread = axis.transpose(0, 2, 1).matMul(cov).matMul(axis).sqrt(); // N x 1 x 1
        NDArray t = axis.transpose(0, 2, 1).matMul(centred); // N x 1 x P
        NDArray slice = t.zerosLike();
        for (float q : SLICES) {
            slice = slice.add(t.gt(Scalars.mul(spread, q)).toType(DataType.FLOAT32, false));
        }
        NDArray k = colours.getManager().arange(0f, COMPONENTS, 1f).reshape(1, COMPONENTS, 1);
        NDArray responsibilities = slice.eq(k).toType(DataType.FLOAT32, false).mul(weights); // N x K x P
        return fit(colours, products, responsibilities);
    }

    /** A refit: responsibilities from this mixture, weighted by the pixels' weights. */
    ColourMixtures refit(NDArray colours, NDArray products, NDArray weights) {
        NDArray responsibilities = componentLogDensities(colours, products).softmax(1).mul(weights);
        return fit(colours, products, responsibilities);
    }

    /** Log-density of each pixel's colour under the mixture, N x 1 x P. */
    NDArray logDensity(NDArray colours, NDArray products) {
        NDArray c = componentLogDensities(colours, products);
        NDArray top = c.max(new int[] {1}, true);
        return c.sub(top).exp().sum(new int[] {1}, true).log().add(top);
    }

    /** log w_k + log N(x | mu_k, Sigma_k) for each component and pixel, N x K x P. */
    private NDArray componentLogDensities(NDArray colours, NDArray products) {
        // (x - mu)' A (x - mu) = sum over the six products of A's entries (off-diagonal twice)
        // - 2 (A mu)' x + mu' A mu
        NDArray a = precisions;
        NDArray quadratic = a.matMul(products); // N x K x P, with the off-diagonal entries doubled in `precisions`
        NDArray am = aTimes(a, means); // N x K x 3
        NDArray linear = am.matMul(colours); // N x K x P
        NDArray constant = am.mul(means).sum(new int[] {2}, true); // N x K x 1
        NDArray mahalanobis = quadratic.sub(Scalars.mul(linear, 2)).add(constant);
        NDArray exponent = Scalars.add(mahalanobis.add(logDets), (float) (3 * LOG_2PI));
        return Scalars.mul(exponent, -0.5f).add(logWeights);
    }

    /** A times mu for symmetric A given as rr, gg, bb, 2rg, 2rb, 2gb (N x K x 6) and mu (N x K x 3). */
    private static NDArray aTimes(NDArray a, NDArray mu) {
        NDList e = a.split(6, 2);
        NDArray rr = e.get(0);
        NDArray gg = e.get(1);
        NDArray bb = e.get(2);
        NDArray rg = Scalars.div(e.get(3), 2f);
        NDArray rb = Scalars.div(e.get(4), 2f);
        NDArray gb = Scalars.div(e.get(5), 2f);
        NDList m = mu.split(3, 2);
        NDArray r = m.get(0);
        NDArray g = m.get(1);
        NDArray b = m.get(2);
        return NDArrays.concat(new NDList(
                rr.mul(r).add(rg.mul(g)).add(rb.mul(b)),
                rg.mul(r).add(gg.mul(g)).add(gb.mul(b)),
                rb.mul(r).add(gb.mul(g)).add(bb.mul(b))), 2);
    }

    /** Maximisation: weights, means and covariances from responsibilities N x K x P. */
    private static ColourMixtures fit(NDArray colours, NDArray products, NDArray responsibilities) {
        NDArray mass = responsibilities.sum(new int[] {2}, true); // N x K x 1
        NDArray safe = Scalars.add(mass, EMPTY);
        NDArray mean = responsibilities.matMul(colours.transpose(0, 2, 1)).div(safe); // N x K x 3
        NDList second = responsibilities.matMul(products.transpose(0, 2, 1)).div(safe).split(6, 2); // each N x K x 1
        NDArray[] c = Symmetric3.inverseOfCovariance(mean.split(3, 2), second, VARIANCE_FLOOR);
        NDArray det = Scalars.maximum(c[6], 1e-30f);
        // the off-diagonal entries doubled: the quadratic form sums each of them twice
        NDList entries = new NDList(c[0], c[1], c[2], Scalars.mul(c[3], 2), Scalars.mul(c[4], 2), Scalars.mul(c[5], 2));
        NDArray precisions = NDArrays.concat(entries, 2).div(det);
        NDArray total = Scalars.add(mass.sum(new int[] {1}, true), EMPTY);
        NDArray logWeights = Scalars.add(mass, 1e-6f).div(total).log();
        return new ColourMixtures(logWeights, mean, precisions, det.log());
    }
}
