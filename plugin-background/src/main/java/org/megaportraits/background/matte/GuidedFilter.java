package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The guided filter (He, Sun and Tang) with a colour guide, on the guide's device: an edge-aware
 * smoothing whose output is locally an affine function of the guide's colours, so a filtered label
 * map follows the image's edges. Windows are (2r + 1)^2 squares, normalised by the pixels that
 * exist near the border. The guide's per-window statistics are computed once and reused for
 * every map filtered.
 */
final class GuidedFilter {

    private final NDArray guide;
    private final int radius;
    private final NDArray count;
    private final NDArray mean;
    /** Inverse of each window's colour covariance plus eps I: rr, gg, bb, rg, rb, gb, each N x 1 x H x W. */
    private final NDList inverse;

    /**
     * @param guide  N x 3 x H x W, colours in [0, 1]
     * @param radius window radius in pixels
     * @param eps    regularisation in squared colour units: edges with less contrast are smoothed over
     */
    GuidedFilter(NDArray guide, int radius, float eps) {
        this.guide = guide;
        this.radius = radius;
        this.count = box(guide.get("0:1, 0:1").onesLike());
        NDArray stats = box(NDArrays.concat(new NDList(guide, Symmetric3.products(guide)), 1));
        this.mean = stats.get(":, 0:3");
        NDList m = stats.split(new long[] {3}, 1);
        NDArray[] c = Symmetric3.inverseOfCovariance(m.get(0).split(3, 1), m.get(1).split(6, 1), eps);
        this.inverse = NDArrays.concat(new NDList(c[0], c[1], c[2], c[3], c[4], c[5]), 1).div(c[6]).split(6, 1);
    }

    /** The filtered map of an N x 1 x H x W input. */
    NDArray apply(NDArray p) {
        NDArray stats = box(NDArrays.concat(new NDList(p, guide.mul(p)), 1));
        NDList parts = stats.split(new long[] {1}, 1);
        NDArray mp = parts.get(0);
        NDList cov = parts.get(1).sub(mean.mul(mp)).split(3, 1);
        NDArray cr = cov.get(0);
        NDArray cg = cov.get(1);
        NDArray cb = cov.get(2);
        NDList i = inverse;
        NDArray ar = i.get(0).mul(cr).add(i.get(3).mul(cg)).add(i.get(4).mul(cb));
        NDArray ag = i.get(3).mul(cr).add(i.get(1).mul(cg)).add(i.get(5).mul(cb));
        NDArray ab = i.get(4).mul(cr).add(i.get(5).mul(cg)).add(i.get(2).mul(cb));
        NDArray a = NDArrays.concat(new NDList(ar, ag, ab), 1);
        NDArray bias = mp.sub(a.mul(mean).sum(new int[] {1}, true));
        NDList smooth = box(NDArrays.concat(new NDList(a, bias), 1)).split(new long[] {3}, 1);
        return smooth.get(0).mul(guide).sum(new int[] {1}, true).add(smooth.get(1));
    }

    /** Window means, normalised by the pixels inside the image. */
    private NDArray box(NDArray x) {
        NDArray sum = WindowFilters.windowMean(x, radius);
        return count == null ? sum : sum.div(count);
    }
}
