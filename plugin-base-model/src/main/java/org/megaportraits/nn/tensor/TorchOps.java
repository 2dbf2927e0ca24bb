package org.megaportraits.nn.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch operators that DJL 0.36's Java API does not reach, called through a TorchScript module
 * written here:
 * <ul>
 * <li>group normalisation ({@code group_norm}: statistics and affine part in one kernel each way);
 * <li>linear up-sampling as one batched matrix product per doubled axis. DJL's interpolation always
 * takes PyTorch's antialiased kernel, and PyTorch's plain bilinear and trilinear backward kernels
 * accumulate with atomics: at the stage-1 training shapes on an H100 the products were 5-27x faster
 * than the antialiased kernel, forward and backward, and 1-5x faster than the plain ones;
 * <li>grid sampling, trilinear of volumes ({@code grid_sampler_3d}) and bilinear of images through
 * affine maps ({@code grid_sampler_2d}): one kernel instead of gathers and index arithmetic;
 * <li>spectral normalisation and weight standardisation, one call each instead of dozens of engine
 * calls per weight and pass;
 * <li>clamping to an interval in one kernel (DJL's clip is a maximum and a minimum).
 * </ul>
 * Each has a reference built from DJL's operators that the tests hold it to.
 *
 * <p>The module holds no weights. Its source is generated below and loaded from memory once per
 * process ({@link ScriptModule}). Calls go through DJL's training-capable module call, so
 * autograd records them like any other operation: gradients flow to every tensor argument. The
 * results belong to the first argument's manager, as with DJL's own operators. A call costs about
 * 15 µs of host time (interpreter and JNI), no device synchronisation.
 *
 * <p>Half-precision arrays on the CPU are computed in fp32 and cast back (PyTorch's CPU kernels
 * lack some half-precision versions).
 */
public final class TorchOps {

    private TorchOps() {
    }

    /**
     * Group normalisation of {@code x} (N, C, ...) in {@code groups} groups, each sample and group
     * shifted to mean 0 and divided by its standard deviation ({@code eps} added to the variance),
     * then scaled by {@code gamma} and shifted by {@code beta} per channel (either may be null).
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
        if ((gamma == null) != (beta == null)) {
            throw new IllegalArgumentException("group norm needs both gamma and beta, or neither");
        }
        if (needsUpcast(x)) {
            DataType t = x.getDataType();
            NDArray g = gamma == null ? null : MixedPrecision.cast(gamma, DataType.FLOAT32);
            NDArray b = beta == null ? null : MixedPrecision.cast(beta, DataType.FLOAT32);
            return MixedPrecision.cast(groupNorm(MixedPrecision.cast(x, DataType.FLOAT32), groups, g, b, eps), t);
        }
        if (gamma == null) {
            return call("group_norm", x, ScriptModule.number((long) groups), ScriptModule.number((double) eps));
        }
        return call("group_norm_affine", x, ScriptModule.number((long) groups), ScriptModule.number((double) eps), gamma, beta);
    }

    /**
     * Linear interpolation of {@code x} (N, C, H, W) or (N, C, D, H, W) by a factor 1 or 2 per
     * spatial axis, with PyTorch's {@code align_corners=False} sample points (output 2i a quarter
     * pixel before input i, edges clamped). Each doubled axis is a product with its interpolation
     * matrix (weights 1/4, 3/4 and 1, exact in every floating type), so half precision rounds once
     * per doubled axis.
     */
    public static NDArray upsampleLinear(NDArray x, int... factors) {
        if (factors.length != 2 && factors.length != 3 || x.getShape().dimension() != factors.length + 2) {
            throw new IllegalArgumentException("need 2 or 3 factors for a 4D or 5D array, got "
                    + factors.length + " for " + x.getShape());
        }
        for (int f : factors) {
            if (f != 1 && f != 2) {
                throw new IllegalArgumentException("linear up-sampling supports factors 1 and 2, not " + f);
            }
        }
        if (needsUpcast(x)) {
            return MixedPrecision.cast(upsampleLinear(MixedPrecision.cast(x, DataType.FLOAT32), factors), x.getDataType());
        }
        return call(Source.linearMethod(factors), x);
    }

    /**
     * Samples {@code volume} (Nv, C, D, H, W), Nv = 1 or N, at {@code grid} (N, Do, Ho, Wo, 3) of
     * (x, y, z) in [-1, 1], as {@code grid_sample(mode='bilinear', padding_mode='zeros',
     * align_corners=False)}. Coordinates and interpolation run in fp32 for half-precision inputs
     * (a bf16 grid is 1/8 voxel coarse at 64 voxels); the result has the volume's type.
     */
    public static NDArray gridSample3d(NDArray volume, NDArray grid) {
        return call("grid_sample_3d", volume, grid);
    }

    /**
     * Bilinear resampling of images through affine maps: output pixel centre (u, v) of map k reads
     * {@code images[source[k]]} at {@code (a0 u + a1 v + a2, a3 u + a4 v + a5)}, both in continuous
     * pixel coordinates ({@code grid_sampler_2d}, align_corners=False). Reads outside give zero, or
     * with {@code replicateBorder} the nearest edge pixel. Computed in fp32 at least (a half-precision
     * coordinate is a pixel coarse across a 1080p frame); the result has the images' type.
     *
     * @param images N x C x H x W
     * @param maps   K x 6, output to input coordinates
     * @param source K image indices (any number type), or null when map k reads image k (K = N)
     * @return K x C x outHeight x outWidth
     */
    public static NDArray affineSample(NDArray images, NDArray maps, NDArray source, int outHeight, int outWidth,
                                       boolean replicateBorder) {
        NDArray border = ScriptModule.number(replicateBorder ? 1L : 0L);
        if (source == null) {
            return call("affine_sample", images, maps, ScriptModule.number((long) outHeight), ScriptModule.number((long) outWidth), border);
        }
        return call("affine_sample_from", images, maps, ScriptModule.number((long) outHeight), ScriptModule.number((long) outWidth), border,
                source);
    }

    /**
     * Each row of {@code w} (first axis) shifted to mean 0 and divided by its standard deviation
     * ({@code eps} added to the variance), in one layer-norm kernel without weight or bias; same
     * shape and type. Weight standardisation of convolution filters.
     */
    public static NDArray standardizeRows(NDArray w, float eps) {
        if (needsUpcast(w)) {
            return MixedPrecision.cast(standardizeRows(MixedPrecision.cast(w, DataType.FLOAT32), eps), w.getDataType());
        }
        return call("standardize_rows", w, ScriptModule.number((double) eps));
    }

    /**
     * Spectral normalisation: {@code w} (rows: first axis) divided by sigma, its largest singular
     * value estimated by one power-iteration step from {@code u} (one value per row), in fp32,
     * with u and v held constant for the gradient; the result has w's type. With {@code update}
     * the refined u is written back into {@code u}. One call instead of some thirty engine calls
     * (training renormalises every weight at every pass; the step time did not change measurably).
     *
     * @param eps added to the vectors' norms before dividing
     */
    public static NDArray spectralNorm(NDArray w, NDArray u, boolean update, float eps) {
        return call(update ? "spectral_norm_update" : "spectral_norm", w, u, ScriptModule.number((double) eps));
    }

    /**
     * {@code x} limited to [lo, hi] in one kernel, same shape and type; for integer arrays the
     * bounds are taken as whole numbers. The gradient is 1 inside the bounds and at them, 0 outside.
     */
    public static NDArray clamp(NDArray x, double lo, double hi) {
        if (!x.getDataType().isFloating()) {
            return call("clamp_int", x, ScriptModule.number((long) lo), ScriptModule.number((long) hi));
        }
        if (needsUpcast(x)) {
            return MixedPrecision.cast(clamp(MixedPrecision.cast(x, DataType.FLOAT32), lo, hi), x.getDataType());
        }
        return call("clamp", x, ScriptModule.number(lo), ScriptModule.number(hi));
    }

    /**
     * {@code x} in PyTorch's default row-major layout (itself if it already is): a transposed view
     * made contiguous on its own device, so that a copy to the host needs no reordering there.
     */
    public static NDArray contiguous(NDArray x) {
        return call("contiguous", x);
    }

    private static boolean needsUpcast(NDArray x) {
        DataType t = x.getDataType();
        return (t == DataType.FLOAT16 || t == DataType.BFLOAT16) && !x.getDevice().isGpu();
    }

    private static NDArray call(String method, NDArray first, NDArray... rest) {
        return Module.OPS.call(method, first, rest).singletonOrThrow();
    }

    /** The loaded module, once per process (it holds no tensors, so one serves every device). */
    static final class Module {
        static final ScriptModule OPS = load(Source.archive());

        static ScriptModule load(byte[] archive) {
            // every network needs these operators: say what failed, not just that a class did not initialise
            return ScriptModule.compile(archive, "the model's TorchScript operators", ScriptModule.useDjlsLibtorch());
        }
    }

    /** The module's TorchScript source and the archive around it. */
    static final class Source {
        private static final String CLASS = "Ops";

        private Source() {
        }

        static String linearMethod(int... factors) {
            StringBuilder b = new StringBuilder("linear");
            for (int f : factors) {
                b.append('_').append(f);
            }
            return b.toString();
        }

        /** The class as {@code torch.jit.save} writes its code: a module with no parameters and one method per operator. */
        static String code() {
            String self = "self: __torch__." + CLASS;
            StringBuilder s = new StringBuilder();
            s.append("class ").append(CLASS).append("(Module):\n");
            s.append("  __parameters__ = []\n");
            s.append("  __buffers__ = []\n");
            s.append("  training : bool\n");
            s.append("  def forward(").append(self).append(", x: Tensor) -> Tensor:\n");
            s.append("    return x\n");
            s.append("  def group_norm(").append(self).append(", x: Tensor, groups: Tensor, eps: Tensor) -> Tensor:\n");
            s.append("    return torch.group_norm(x, int(groups), None, None, float(eps))\n");
            s.append("  def group_norm_affine(").append(self)
                    .append(", x: Tensor, groups: Tensor, eps: Tensor, weight: Tensor, bias: Tensor) -> Tensor:\n");
            s.append("    return torch.group_norm(x, int(groups), weight, bias, float(eps))\n");
            s.append("  def clamp(").append(self).append(", x: Tensor, lo: Tensor, hi: Tensor) -> Tensor:\n");
            s.append("    return torch.clamp(x, float(lo), float(hi))\n");
            s.append("  def clamp_int(").append(self).append(", x: Tensor, lo: Tensor, hi: Tensor) -> Tensor:\n");
            s.append("    return torch.clamp(x, int(lo), int(hi))\n");
            s.append("  def contiguous(").append(self).append(", x: Tensor) -> Tensor:\n");
            s.append("    return torch.contiguous(x)\n");
            s.append("  def grid_sample_3d(").append(self).append(", volume: Tensor, grid: Tensor) -> Tensor:\n");
            s.append("    t = torch.promote_types(torch.promote_types(volume.dtype, grid.dtype), 6)\n"); // 6: float32
            s.append("    v = volume.to(t).expand([grid.size(0), -1, -1, -1, -1])\n");
            s.append("    return torch.grid_sampler(v, grid.to(t), 0, 0, False).to(volume.dtype)\n");
            s.append("  def standardize_rows(").append(self).append(", w: Tensor, eps: Tensor) -> Tensor:\n");
            s.append("    rows = w.reshape([w.size(0), -1])\n");
            s.append("    return torch.layer_norm(rows, [rows.size(1)], None, None, float(eps)).reshape(w.size())\n");
            for (boolean update : new boolean[] {false, true}) {
                s.append("  def spectral_norm").append(update ? "_update" : "").append("(").append(self)
                        .append(", w: Tensor, u: Tensor, eps: Tensor) -> Tensor:\n");
                s.append("    e = float(eps)\n");
                s.append("    mat = w.to(torch.promote_types(w.dtype, 6)).reshape([w.size(0), -1])\n");
                s.append("    fixed = mat.detach()\n");
                s.append("    u0 = u.to(mat.dtype).reshape([-1, 1])\n");
                s.append("    v = torch.matmul(fixed.t(), u0)\n");
                s.append("    v = v / (torch.sqrt(torch.sum(v * v)) + e)\n");
                s.append("    u1 = torch.matmul(fixed, v)\n");
                s.append("    u1 = u1 / (torch.sqrt(torch.sum(u1 * u1)) + e)\n");
                s.append("    sigma = torch.matmul(torch.matmul(u1.t(), mat), v).reshape([1])\n");
                if (update) {
                    s.append("    u.copy_(u1.reshape([-1]))\n");
                }
                s.append("    return (mat / sigma).reshape(w.size()).to(w.dtype)\n");
            }
            s.append("  def affine_sample(").append(self)
                    .append(", images: Tensor, maps: Tensor, height: Tensor, width: Tensor, border: Tensor) -> Tensor:\n");
            s.append("    t = torch.promote_types(images.dtype, 6)\n");
            s.append("    oh = int(height)\n");
            s.append("    ow = int(width)\n");
            s.append("    a = maps.to(device=images.device, dtype=t)\n");
            s.append("    u = torch.add(torch.arange(ow, dtype=t, device=images.device), 0.5).reshape([1, 1, ow])\n");
            s.append("    v = torch.add(torch.arange(oh, dtype=t, device=images.device), 0.5).reshape([1, oh, 1])\n");
            s.append("    x = a[:, 0].reshape([-1, 1, 1]) * u + a[:, 1].reshape([-1, 1, 1]) * v + a[:, 2].reshape([-1, 1, 1])\n");
            s.append("    y = a[:, 3].reshape([-1, 1, 1]) * u + a[:, 4].reshape([-1, 1, 1]) * v + a[:, 5].reshape([-1, 1, 1])\n");
            // continuous coordinate X of a W-pixel axis is 2X/W - 1 in the sampler's [-1, 1]
            s.append("    grid = torch.stack([x * (2.0 / images.size(3)) - 1.0, y * (2.0 / images.size(2)) - 1.0], 3)\n");
            s.append("    out = torch.grid_sampler(images.to(t), grid, 0, int(border), False)\n");
            s.append("    return out.to(images.dtype)\n");
            s.append("  def affine_sample_from(").append(self).append(", images: Tensor, maps: Tensor, height: Tensor, ")
                    .append("width: Tensor, border: Tensor, source: Tensor) -> Tensor:\n");
            s.append("    read = torch.index_select(images, 0, source.to(device=images.device, dtype=4))\n"); // 4: int64
            s.append("    return self.affine_sample(read, maps, height, width, border)\n");
            // doubling one axis: a batched product with the (2n x n) interpolation matrix, made on the
            // array's device by up-sampling an identity (no host copy); no atomics, unlike PyTorch's
            // bilinear and trilinear backward kernels
            s.append("  def double_axis(").append(self).append(", x: Tensor, axis: int) -> Tensor:\n");
            s.append("    size = x.size()\n");
            s.append("    n = size[axis]\n");
            s.append("    eye = torch.unsqueeze(torch.eye(n, dtype=x.dtype, device=x.device), 0)\n");
            s.append("    spread = torch.upsample_linear1d(eye, None, False, [2.])[0]\n");
            s.append("    lead = 1\n");
            s.append("    for d in range(axis):\n");
            s.append("      lead = lead * size[d]\n");
            s.append("    trail = 1\n");
            s.append("    for d in range(axis + 1, len(size)):\n");
            s.append("      trail = trail * size[d]\n");
            s.append("    if trail == 1:\n");
            s.append("      y = torch.matmul(x.reshape([lead, n]), spread)\n");
            s.append("    else:\n");
            s.append("      y = torch.matmul(spread.t(), x.reshape([lead, n, trail]))\n");
            s.append("    out = list(size)\n");
            s.append("    out[axis] = 2 * n\n");
            s.append("    return y.reshape(out)\n");
            for (int d = 2; d <= 3; d++) {
                for (int mask = 1; mask < (1 << d); mask++) {
                    int[] f = new int[d];
                    for (int i = 0; i < d; i++) {
                        f[i] = (mask >> (d - 1 - i) & 1) == 1 ? 2 : 1;
                    }
                    s.append("  def ").append(linearMethod(f)).append("(").append(self).append(", x: Tensor) -> Tensor:\n");
                    s.append("    y = x\n");
                    for (int i = 0; i < d; i++) {
                        if (f[i] == 2) {
                            s.append("    y = self.double_axis(y, ").append(i + 2).append(")\n");
                        }
                    }
                    s.append("    return y\n");
                }
            }
            return s.toString();
        }

        /** The archive of the module. */
        static byte[] archive() {
            return archive(code());
        }

        /** The archive around the given source (tests hand it broken code). */
        static byte[] archive(String code) {
            return ScriptModule.archive(CLASS, code);
        }
    }
}
