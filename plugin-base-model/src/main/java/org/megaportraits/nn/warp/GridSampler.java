package org.megaportraits.nn.warp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Trilinear sampling of a feature volume at the points of a grid, with the semantics of PyTorch's
 * {@code grid_sample(volume, grid, mode='bilinear', padding_mode='zeros', align_corners=False)}:
 * the grid holds (x, y, z) in [-1, 1] over (W, H, D), -1 and 1 are the outer faces of the border
 * voxels, and points outside read zeros. Built from gather and arithmetic only, so autograd
 * carries gradients to both the volume (through the gather) and the grid (through the
 * interpolation weights).
 *
 * <p>The volume is laid out channels-last and the eight corner rows of every output point are
 * fetched by one gather ({@link Strategy#FUSED}), or corner by corner ({@link Strategy#PER_CORNER}),
 * which needs an eighth of the scratch memory. A volume of batch 1 serves a grid of any batch
 * without being copied per sample. Coordinates and weights are computed in fp32 for half-precision
 * inputs.
 */
public final class GridSampler {

    /** How the corner values are fetched. */
    public enum Strategy {
        /** One gather of all eight corners, weighted by a batched (1 x 8) x (8 x C) product. */
        FUSED,
        /** Eight gathers accumulated one by one (least scratch memory). */
        PER_CORNER
    }

    private GridSampler() {
    }

    /** {@link #sample(NDArray, NDArray, Strategy)} with the fused strategy. */
    public static NDArray sample(NDArray volume, NDArray grid) {
        return sample(volume, grid, Strategy.FUSED);
    }

    /**
     * Samples {@code volume} (Nv, C, D, H, W) at {@code grid} (N, Do, Ho, Wo, 3), Nv = N or 1.
     *
     * @return (N, C, Do, Ho, Wo) in the volume's data type
     */
    public static NDArray sample(NDArray volume, NDArray grid, Strategy strategy) {
        Shape vs = volume.getShape();
        Shape gs = grid.getShape();
        if (vs.dimension() != 5 || gs.dimension() != 5 || gs.get(4) != 3) {
            throw new IllegalArgumentException("need a volume (N, C, D, H, W) and a grid (N, D, H, W, 3), got "
                    + vs + " and " + gs);
        }
        long nv = vs.get(0);
        long n = gs.get(0);
        if (nv != n && nv != 1) {
            throw new IllegalArgumentException("volume batch " + nv + " must be 1 or the grid batch " + n);
        }
        long c = vs.get(1);
        long d = vs.get(2);
        long h = vs.get(3);
        long w = vs.get(4);
        long p = gs.get(1) * gs.get(2) * gs.get(3);
        DataType coordType = grid.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        NDArray g = grid.toType(coordType, false).reshape(n, p, 3);
        Axis ax = new Axis(g.get(new NDIndex(":, :, 0")), w);
        Axis ay = new Axis(g.get(new NDIndex(":, :, 1")), h);
        Axis az = new Axis(g.get(new NDIndex(":, :, 2")), d);

        NDArray rows = volume.transpose(0, 2, 3, 4, 1).reshape(nv * d * h * w, c);
        NDArray batchOffset = nv == 1 ? null
                : volume.getManager().arange(0, Math.toIntExact(n * d * h * w), Math.toIntExact(d * h * w), DataType.INT64)
                        .toDevice(volume.getDevice(), false).reshape(n, 1);
        DataType valueType = volume.getDataType();

        NDArray out;
        if (strategy == Strategy.FUSED) {
            // the eight corners of each point on a (2, 2, 2) block, broadcast from each axis' pair
            NDArray index = az.index.reshape(n, p, 2, 1, 1).mul(h * w)
                    .add(ay.index.reshape(n, p, 1, 2, 1).mul(w))
                    .add(ax.index.reshape(n, p, 1, 1, 2)).reshape(n, 8 * p);
            NDArray weight = az.weight.reshape(n, p, 2, 1, 1)
                    .mul(ay.weight.reshape(n, p, 1, 2, 1))
                    .mul(ax.weight.reshape(n, p, 1, 1, 2)).reshape(n, p, 1, 8);
            if (batchOffset != null) {
                index = index.add(batchOffset);
            }
            NDArray corners = rows.get(new NDIndex("{}", index.reshape(-1))).reshape(n, p, 8, c);
            // (1 x 8) x (8 x C) per point: the weighted sum without an 8x scratch product
            out = weight.toType(valueType, false).matMul(corners).reshape(n, p, c);
        } else {
            out = null;
            for (int k = 0; k < 8; k++) {
                int iz = k >> 2;
                int iy = (k >> 1) & 1;
                int ix = k & 1;
                NDArray index = pick(az.index, iz).mul(h * w).add(pick(ay.index, iy).mul(w)).add(pick(ax.index, ix));
                NDArray weight = pick(az.weight, iz).mul(pick(ay.weight, iy)).mul(pick(ax.weight, ix));
                if (batchOffset != null) {
                    index = index.add(batchOffset);
                }
                NDArray term = rows.get(new NDIndex("{}", index.reshape(-1))).reshape(n, p, c)
                        .mul(weight.reshape(n, p, 1).toType(valueType, false));
                out = out == null ? term : out.add(term);
            }
        }
        return out.reshape(n, gs.get(1), gs.get(2), gs.get(3), c).transpose(0, 4, 1, 2, 3);
    }

    private static NDArray pick(NDArray pair, int i) {
        return pair.get(new NDIndex(":, :, " + i));
    }

    /**
     * One axis of the sampling: the two neighbouring voxel indices of every point (clamped into
     * the volume) and their interpolation weights (zero for a neighbour outside), each (N, P, 2).
     */
    private static final class Axis {
        final NDArray index;
        final NDArray weight;

        Axis(NDArray coord, long size) {
            // align_corners=false: -1 and 1 are the outer faces, voxel i is centred at (2i+1)/size - 1
            NDArray pos = coord.add(1).mul(size).sub(1).div(2);
            NDArray lower = pos.floor();
            NDArray frac = pos.sub(lower);
            NDArray upper = lower.add(1);
            NDArray lowerIn = inside(lower, size);
            NDArray upperIn = inside(upper, size);
            this.weight = NDArrays.stack(new NDList(
                    frac.neg().add(1).mul(lowerIn), frac.mul(upperIn)), 2);
            this.index = NDArrays.stack(new NDList(
                    lower.clip(0, size - 1), upper.clip(0, size - 1)), 2).toType(DataType.INT64, false);
        }

        private static NDArray inside(NDArray i, long size) {
            return i.gte(0).logicalAnd(i.lte(size - 1)).toType(i.getDataType(), false);
        }
    }
}
