package org.megaportraits.nn.warp;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Sampling grids for {@link GridSampler}: (N, D, H, W, 3) arrays of (x, y, z) points in the
 * normalised volume coordinates [-1, 1]^3 (x over width, y over height, z over depth).
 */
public final class WarpGrid {

    private WarpGrid() {
    }

    /**
     * The grid that samples every voxel at its own centre (align_corners=false): voxel i of n is at
     * {@code (2i + 1) / n - 1}. Sampling with it returns the volume unchanged.
     *
     * @return (1, D, H, W, 3)
     */
    public static NDArray identity(NDManager manager, Device device, int depth, int height, int width, DataType type) {
        NDArray z = centres(manager, device, depth).reshape(depth, 1, 1).broadcast(new Shape(depth, height, width));
        NDArray y = centres(manager, device, height).reshape(1, height, 1).broadcast(new Shape(depth, height, width));
        NDArray x = centres(manager, device, width).reshape(1, 1, width).broadcast(new Shape(depth, height, width));
        NDArray g = NDArrays.stack(new NDList(x, y, z), 3).expandDims(0);
        return g.getDataType() == type ? g : g.toType(type, false);
    }

    private static NDArray centres(NDManager manager, Device device, int n) {
        // voxel i is centred at (2i + 1) / n - 1
        return Scalars.sub(Scalars.div(Scalars.add(Scalars.mul(manager.arange(0, n, 1, DataType.FLOAT32, device), 2), 1), n), 1);
    }

    /**
     * The identity grid moved by 4x4 homogeneous transforms: point p becomes the first three
     * components of {@code M * (p, 1)}.
     *
     * @param transforms (N, 4, 4)
     * @return (N, D, H, W, 3)
     */
    public static NDArray transformed(NDArray transforms, int depth, int height, int width) {
        NDManager m = transforms.getManager();
        NDArray id = identity(m, transforms.getDevice(), depth, height, width, transforms.getDataType());
        NDArray points = id.reshape(-1, 3);
        NDArray homogeneous = points.concat(m.ones(new Shape(points.getShape().get(0), 1), transforms.getDataType(),
                transforms.getDevice()), 1);
        long n = transforms.getShape().get(0);
        // (P, 4) x (N, 4, 4)^T -> (N, P, 4)
        NDArray moved = homogeneous.matMul(transforms.transpose(0, 2, 1));
        return moved.get(":, :, 0:3").reshape(n, depth, height, width, 3);
    }

    /**
     * The identity grid plus per-point offsets, as the warping generators produce them. The grid
     * is fp32 for half-precision offsets: coordinates need the mantissa.
     *
     * @param offsets (N, 3, D, H, W), channel 0 along x, 1 along y, 2 along z
     * @return (N, D, H, W, 3)
     */
    public static NDArray offset(NDArray offsets) {
        Shape s = offsets.getShape();
        DataType t = offsets.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        NDArray id = identity(offsets.getManager(), offsets.getDevice(), (int) s.get(2), (int) s.get(3),
                (int) s.get(4), t);
        return MixedPrecision.cast(offsets, t).transpose(0, 2, 3, 4, 1).add(id);
    }
}
