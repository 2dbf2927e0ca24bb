package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.megaportraits.nn.tensor.Scalars;

/**
 * RGB covariances as symmetric 3 x 3 matrices held as their six distinct entries (arrays of any one
 * shape, one matrix per element; order rr, gg, bb, rg, rb, gb), and their inverses by cofactors: a
 * handful of element-wise operations instead of a batched solver. Shared by the colour mixtures
 * and the guided filter.
 */
final class Symmetric3 {

    private Symmetric3() {
    }

    /** The six second-order products of colours with channels on axis 1 (rr, gg, bb, rg, rb, gb), concatenated on it. */
    static NDArray products(NDArray colours) {
        NDList c = colours.split(3, 1);
        NDArray r = c.get(0);
        NDArray g = c.get(1);
        NDArray b = c.get(2);
        return NDArrays.concat(new NDList(r.square(), g.square(), b.square(), r.mul(g), r.mul(b), g.mul(b)), 1);
    }

    /**
     * The cofactors (rr, gg, bb, rg, rb, gb) and determinant (index 6) of covariances plus
     * {@code diagonal} times the identity, from mean colours (r, g, b) and mean products (in the
     * order of {@link #products}): the inverse is each cofactor over the determinant.
     */
    static NDArray[] inverseOfCovariance(NDList means, NDList meanProducts, float diagonal) {
        NDArray r = means.get(0);
        NDArray g = means.get(1);
        NDArray b = means.get(2);
        NDArray rr = Scalars.add(meanProducts.get(0).sub(r.square()), diagonal);
        NDArray gg = Scalars.add(meanProducts.get(1).sub(g.square()), diagonal);
        NDArray bb = Scalars.add(meanProducts.get(2).sub(b.square()), diagonal);
        NDArray rg = meanProducts.get(3).sub(r.mul(g));
        NDArray rb = meanProducts.get(4).sub(r.mul(b));
        NDArray gb = meanProducts.get(5).sub(g.mul(b));
        NDArray crr = gg.mul(bb).sub(gb.square());
        NDArray crg = rb.mul(gb).sub(rg.mul(bb));
        NDArray crb = rg.mul(gb).sub(rb.mul(gg));
        NDArray cgg = rr.mul(bb).sub(rb.square());
        NDArray cgb = rg.mul(rb).sub(rr.mul(gb));
        NDArray cbb = rr.mul(gg).sub(rg.square());
        NDArray det = rr.mul(crr).add(rg.mul(crg)).add(rb.mul(crb));
        return new NDArray[] {crr, cgg, cbb, crg, crb, cgb, det};
    }
}
