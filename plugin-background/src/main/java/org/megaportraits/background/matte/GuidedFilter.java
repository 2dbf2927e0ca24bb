package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

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
    /** Inverse of each window's colour covariance plus eps I: rr, gg, bb, rg, rb, gb (N x 6 x H x W). */
    private final NDArray inverse;

    /**
     * @param guide  N x 3 x H x W, colours in [0, 1]
     * @param radius window radius in pixels
     * @param eps    regularisation in squared colour units: edges with less contrast are smoothed over
     */
    GuidedFilter(NDArray guide, int radius, float eps) {
        this.guide = guide;
        this.radius = radius;
        NDArray r = guide.get(":, 0:1");
        NDArray g = guide.get(":, 1:2");
        NDArray b = guide.get(":, 2:3");
        this.count = box(r.onesLike().get("0:1"));
        NDArray stats = box(NDArrays.concat(new NDList(guide, r.square(), g.square(), b.square(), r.mul(g), r.mul(b),
                g.mul(b)), 1));
        this.mean = stats.get(":, 0:3");
        NDArray mr = stats.get(":, 0:1");
        NDArray mg = stats.get(":, 1:2");
        NDArray mb = stats.get(":, 2:3");
        NDArray vrr = stats.get(":, 3:4").sub(mr.square()).add(eps);
        NDArray vgg = stats.get(":, 4:5").sub(mg.square()).add(eps);
        NDArray vbb = stats.get(":, 5:6").sub(mb.square()).add(eps);
        NDArray vrg = stats.get(":, 6:7").sub(mr.mul(mg));
        NDArray vrb = stats.get(":, 7:8").sub(mr.mul(mb));
        NDArray vgb = stats.get(":, 8:9").sub(mg.mul(mb));
        NDArray crr = vgg.mul(vbb).sub(vgb.square());
        NDArray crg = vrb.mul(vgb).sub(vrg.mul(vbb));
        NDArray crb = vrg.mul(vgb).sub(vrb.mul(vgg));
        NDArray cgg = vrr.mul(vbb).sub(vrb.square());
        NDArray cgb = vrg.mul(vrb).sub(vrr.mul(vgb));
        NDArray cbb = vrr.mul(vgg).sub(vrg.square());
        NDArray det = vrr.mul(crr).add(vrg.mul(crg)).add(vrb.mul(crb));
        this.inverse = NDArrays.concat(new NDList(crr, cgg, cbb, crg, crb, cgb), 1).div(det);
    }

    /** The filtered map of an N x 1 x H x W input. */
    NDArray apply(NDArray p) {
        NDArray stats = box(NDArrays.concat(new NDList(p, guide.mul(p)), 1));
        NDArray mp = stats.get(":, 0:1");
        NDArray cov = stats.get(":, 1:4").sub(mean.mul(mp)); // N x 3 x H x W
        NDArray cr = cov.get(":, 0:1");
        NDArray cg = cov.get(":, 1:2");
        NDArray cb = cov.get(":, 2:3");
        NDArray i = inverse;
        NDArray ar = i.get(":, 0:1").mul(cr).add(i.get(":, 3:4").mul(cg)).add(i.get(":, 4:5").mul(cb));
        NDArray ag = i.get(":, 3:4").mul(cr).add(i.get(":, 1:2").mul(cg)).add(i.get(":, 5:6").mul(cb));
        NDArray ab = i.get(":, 4:5").mul(cr).add(i.get(":, 5:6").mul(cg)).add(i.get(":, 2:3").mul(cb));
        NDArray a = NDArrays.concat(new NDList(ar, ag, ab), 1);
        NDArray bias = mp.sub(a.mul(mean).sum(new int[] {1}, true));
        NDArray smooth = box(NDArrays.concat(new NDList(a, bias), 1));
        return smooth.get(":, 0:3").mul(guide).sum(new int[] {1}, true).add(smooth.get(":, 3:4"));
    }

    /** Window means, normalised by the pixels inside the image. */
    private NDArray box(NDArray x) {
        int k = 2 * radius + 1;
        NDArray sum = Pool.avgPool2d(x, new Shape(k, k), new Shape(1, 1), new Shape(radius, radius), false, true);
        return count == null ? sum : sum.div(count);
    }
}
