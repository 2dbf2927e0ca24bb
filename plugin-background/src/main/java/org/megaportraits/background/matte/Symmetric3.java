package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;

/**
 * Inverses of symmetric 3 x 3 matrices held as their six distinct entries (arrays of any one
 * shape, one matrix per element), by cofactors: a handful of element-wise operations instead of a
 * batched solver.
 */
final class Symmetric3 {

    private Symmetric3() {
    }

    /**
     * The cofactors of each matrix, entries rr, gg, bb, rg, rb, gb, and its determinant (index 6):
     * the inverse is each cofactor over the determinant.
     */
    static NDArray[] cofactors(NDArray rr, NDArray gg, NDArray bb, NDArray rg, NDArray rb, NDArray gb) {
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
