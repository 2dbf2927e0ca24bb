"""Ceilings and op-level variants on the GPU, in PyTorch (the engine DJL drives): the card's
measured bf16 matrix rate and copy bandwidth, and the operations the base model issues through DJL
(group norm, trilinear grid sampling, convolutions) timed in the form the Java code uses and in
the alternatives considered, so that a change is chosen on numbers before it is written in Java.

Run on a CUDA machine: PYTHONUNBUFFERED=1 python3 benchmarks/gpu/kernels.py [--quick]
Prints one line per figure: name, median ms, and GB/s or TFLOP/s where they apply.
"""
import sys
import torch
import torch.nn.functional as F

QUICK = "--quick" in sys.argv
dev = "cuda"
bf = torch.bfloat16


def bench(fn, reps=20, warm=3):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    times.sort()
    return times[len(times) // 2]


def line(name, ms, extra=""):
    print(f"{name:<64s} {ms:9.3f} ms  {extra}", flush=True)


def ceilings():
    n = 8192
    a = torch.randn(n, n, device=dev, dtype=bf)
    b = torch.randn(n, n, device=dev, dtype=bf)
    ms = bench(lambda: a @ b, reps=10)
    line("bf16 matmul 8192^3 (random data)", ms, f"{2 * n ** 3 / ms / 1e9:7.1f} TFLOP/s")
    x = torch.empty(1 << 30, device=dev, dtype=torch.uint8)
    y = torch.empty_like(x)
    ms = bench(lambda: y.copy_(x), reps=10)
    line("device-to-device copy 1 GiB (read + write)", ms, f"{2 * (1 << 30) / ms / 1e6:7.1f} GB/s")
    del a, b, x, y


def group_norm_chain(x, groups):
    """What GroupNorm.normalize did before: fp32 copy, mean, subtract, square, mean, divide."""
    s = x.shape
    g = x.float().reshape(s[0], groups, -1)
    c = g - g.mean(2, keepdim=True)
    var = c.square().mean(2, keepdim=True)
    return (c / (var + 1e-5).sqrt()).reshape(s).to(x.dtype)


def group_norm_layer(x, groups):
    """What it does now: one layer norm over (N, groups, C/groups * positions) rows."""
    s = x.shape
    per = x.numel() // (s[0] * groups)
    r = x.reshape(s[0], groups, per)
    return F.layer_norm(r, (per,), torch.ones(per, device=dev, dtype=x.dtype),
                        torch.zeros(per, device=dev, dtype=x.dtype), 1e-5).reshape(s)


def norms():
    shapes = [(1, 512, 64, 64), (16, 512, 64, 64), (1, 64, 512, 512), (16, 64, 512, 512), (16, 128, 256, 256)]
    if QUICK:
        shapes = shapes[:3]
    for s in shapes:
        x = torch.randn(s, device=dev, dtype=bf)
        gamma = torch.randn(s[1], device=dev, dtype=bf)
        beta = torch.randn(s[1], device=dev, dtype=bf)
        pc = (1, s[1], 1, 1)
        gb = x.numel() * 2 / 1e9
        ref = F.group_norm(x.float(), 32, gamma.float(), beta.float())
        for name, fn in [
            ("chain fp32 + affine + relu", lambda: F.relu(group_norm_chain(x, 32) * gamma.view(pc) + beta.view(pc))),
            ("layer_norm + affine + relu", lambda: F.relu(group_norm_layer(x, 32) * gamma.view(pc) + beta.view(pc))),
            ("torch group_norm + relu (not reachable from DJL)", lambda: F.relu(F.group_norm(x, 32, gamma, beta))),
        ]:
            ms = bench(fn)
            err = ((fn().float() - F.relu(ref)).norm() / F.relu(ref).norm()).item()
            line(f"GN {name} {tuple(s)}", ms, f"{gb / ms * 1e3:7.1f} GB/s of one map pass  rel.err {err:.1e}")


def group_norm_batch(x, groups, running):
    """Group norm as a training-mode batch norm over (1, N * groups, rest): one channel per group."""
    s = x.shape
    r = x.reshape(1, s[0] * groups, -1)
    return F.batch_norm(r, running[0], running[1], None, None, True, 0.0, 1e-5).reshape(s)


def norms_training():
    """Forward and backward of group norm + affine + relu at the stage-1 training shapes (2n = 8)."""
    shapes = [(8, 64, 512, 512), (8, 128, 256, 256), (8, 512, 64, 64), (8, 96, 16, 64, 64), (8, 32, 16, 64, 64),
              (8, 384, 4, 16, 16)]
    for s in shapes:
        x0 = torch.randn(s, device=dev, dtype=bf)
        gamma = torch.randn(s[1], device=dev, dtype=bf)
        beta = torch.randn(s[1], device=dev, dtype=bf)
        pc = (1, s[1]) + (1,) * (len(s) - 2)
        running = (torch.zeros(s[0] * 32, device=dev, dtype=bf), torch.ones(s[0] * 32, device=dev, dtype=bf))
        gy = torch.randn(s, device=dev, dtype=bf)
        ref_x = x0.float().requires_grad_()
        ref = F.relu(F.group_norm(ref_x, 32) * gamma.float().view(pc) + beta.float().view(pc))
        ref.backward(gy.float())
        for name, norm in [
            ("layer_norm rows (Java now)", lambda x: group_norm_layer(x, 32)),
            ("batch_norm over (1, N*G, rest)", lambda x: group_norm_batch(x, 32, running)),
            ("chain fp32", lambda x: group_norm_chain(x, 32)),
            ("torch group_norm (not reachable)", lambda x: F.group_norm(x, 32)),
        ]:
            x = x0.clone().requires_grad_()

            def fwd():
                return F.relu(norm(x) * gamma.view(pc) + beta.view(pc))

            def both():
                x.grad = None
                fwd().backward(gy)

            f_ms = bench(lambda: fwd(), reps=10)
            fb_ms = bench(both, reps=10)
            out = fwd()
            both()
            err = ((out.float() - ref).norm() / ref.norm()).item()
            gerr = ((x.grad.float() - ref_x.grad).norm() / ref_x.grad.norm()).item()
            line(f"GN train {name} {tuple(s)}", fb_ms, f"fwd {f_ms:7.3f} ms  rel.err {err:.1e}  grad rel.err {gerr:.1e}")


def upsample_2x(x, antialias):
    """Resample.upsampleLinear's factor-2 bilinear kernel (DJL always asks for antialias)."""
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False, antialias=antialias)


def forward_backward(fn, x0, gy, ref, leaves=()):
    """Median ms of fn's forward alone and of its forward and backward (gradient gy) from a copy of
    x0 (and the other leaves given), the forward's error relative to ref, and the timed call."""
    x = x0.clone().requires_grad_()

    def both():
        x.grad = None
        for leaf in leaves:
            leaf.grad = None
        fn(x).backward(gy)

    f_ms = bench(lambda: fn(x0), reps=10)
    fb_ms = bench(both, reps=10)
    err = ((fn(x0).float() - ref).norm() / ref.norm()).item()
    return f_ms, fb_ms, err, both


def upsamples_training():
    """Forward and backward of factor-2 bilinear up-sampling at decoder shapes of the training batch (2n = 8)."""
    for s in [(8, 512, 64, 64), (8, 256, 128, 128), (8, 128, 256, 256), (8, 384 * 4, 16, 16)]:
        x0 = torch.randn(s, device=dev, dtype=bf)
        gy = torch.randn((s[0], s[1], 2 * s[2], 2 * s[3]), device=dev, dtype=bf)
        ref = upsample_2x(x0.float(), False)
        for name, fn in [("antialiased (DJL's only bilinear)", lambda v: upsample_2x(v, True)),
                         ("plain bilinear kernel", lambda v: upsample_2x(v, False)),
                         ("two matrix products", upsample_by_matmul)]:
            f_ms, fb_ms, err, _ = forward_backward(fn, x0, gy, ref)
            line(f"upsample x2 train {name} {tuple(s)}", fb_ms, f"fwd {f_ms:7.3f} ms  rel.err {err:.1e}")
    for s in [(8, 512, 2, 8, 8), (8, 384, 4, 16, 16), (8, 192, 8, 32, 32), (8, 64, 8, 32, 32)]:
        x0 = torch.randn(s, device=dev, dtype=bf)
        gy = torch.randn((s[0], s[1], 2 * s[2], 2 * s[3], 2 * s[4]), device=dev, dtype=bf)
        ref = F.interpolate(x0.float(), scale_factor=2, mode="trilinear", align_corners=False)
        for name, fn in [("trilinear kernel", lambda v: F.interpolate(v, scale_factor=2, mode="trilinear", align_corners=False)),
                         ("depth then height-width, 2D kernels", upsample_3d_by_2d),
                         ("three matrix products", upsample_by_matmul)]:
            f_ms, fb_ms, err, _ = forward_backward(fn, x0, gy, ref)
            line(f"upsample 3D x2 train {name} {tuple(s)}", fb_ms, f"fwd {f_ms:7.3f} ms  rel.err {err:.1e}")


def doubling_matrix(n, like):
    """(2n, n): linear doubling of one axis with half-pixel centres and clamped edges, as a matrix."""
    eye = torch.eye(n, dtype=like.dtype, device=like.device).unsqueeze(0)
    return F.interpolate(eye, scale_factor=2, mode="linear", align_corners=False)[0].t()


def upsample_by_matmul(x):
    """Linear doubling of every spatial axis as one batched matrix product per axis (no atomics)."""
    s = list(x.shape)
    y = x
    for a in range(2, len(s)):
        u = doubling_matrix(s[a], x)
        lead = 1
        for d in s[:a]:
            lead *= d
        trail = 1
        for d in s[a + 1:]:
            trail *= d
        if trail == 1:
            y = y.reshape(lead, s[a]) @ u.t()
        else:
            y = torch.matmul(u, y.reshape(lead, s[a], trail))
        s[a] *= 2
        y = y.reshape(s)
    return y


def upsample_3d_by_2d(x):
    """Trilinear doubling as two bilinear passes: depth on the view (N, C, D, H*W), then (N, C*D, H, W)."""
    n, c, d, h, w = x.shape
    y = F.interpolate(x.reshape(n, c, d, h * w), size=(2 * d, h * w), mode="bilinear", align_corners=False)
    y = F.interpolate(y.reshape(n, c * 2 * d, h, w), scale_factor=2, mode="bilinear", align_corners=False)
    return y.reshape(n, c, 2 * d, 2 * h, 2 * w)


def layouts_training():
    """A residual pair (conv, group norm, relu, conv, group norm, relu) forward and backward in bf16 at
    training shapes, channels-first against channels-last activations (weights stay channels-first,
    as DJL keeps them): whether the whole chain, norms included, keeps the faster layout."""
    torch.backends.cudnn.benchmark = True
    for s in [(8, 512, 64, 64), (8, 256, 128, 128), (8, 128, 256, 256), (8, 64, 512, 512), (8, 96, 16, 64, 64)]:
        c = s[1]
        k = (3,) * (len(s) - 2)
        conv = F.conv2d if len(s) == 4 else F.conv3d
        w1 = (torch.randn((c, c) + k, device=dev, dtype=bf) * 0.02).requires_grad_()
        w2 = (torch.randn((c, c) + k, device=dev, dtype=bf) * 0.02).requires_grad_()
        g = torch.ones(c, device=dev, dtype=bf, requires_grad=True)
        b = torch.zeros(c, device=dev, dtype=bf, requires_grad=True)
        x0 = torch.randn(s, device=dev, dtype=bf)
        fmt = torch.channels_last if len(s) == 4 else torch.channels_last_3d
        for name, x in [("channels-first", x0), ("channels-last", x0.contiguous(memory_format=fmt))]:
            x = x.clone().requires_grad_()

            def fwd():
                h = F.relu(F.group_norm(conv(x, w1, padding=1), 32, g, b))
                return F.relu(F.group_norm(conv(h, w2, padding=1), 32, g, b))

            out = fwd()
            gy = torch.randn_like(out)

            def both():
                x.grad = None
                fwd().backward(gy)

            ms = bench(both, reps=10)
            keeps = out.is_contiguous(memory_format=fmt)
            line(f"res pair train {name} {tuple(s)}", ms, f"fwd {bench(fwd, reps=10):7.3f} ms  output channels-last: {keeps}")
    torch.backends.cudnn.benchmark = False


def group_norm_keeping_layout(x, groups, g, b, eps=1e-5):
    """Group norm of a channels-last map that returns channels-last: statistics by var_mean over the
    (positions, channels of a group) axes of the NHWC view, then one fused multiply-add per element."""
    n, c = x.shape[0], x.shape[1]
    nhwc = x.permute(0, *range(2, x.dim()), 1)
    var, mean = torch.var_mean(nhwc.reshape(n, -1, groups, c // groups), dim=(1, 3), correction=0)
    scale = torch.rsqrt(var + eps).repeat_interleave(c // groups, 1) * g
    shift = b - mean.repeat_interleave(c // groups, 1) * scale
    shape = (n, c) + (1,) * (x.dim() - 2)
    return torch.addcmul(shift.reshape(shape), x, scale.reshape(shape))


def layouts_kept():
    """The residual pair of layouts_training (conv, group norm, relu, twice), channels-first with PyTorch's
    group norm against channels-last with a group norm that keeps the layout: fp16 forward at the
    inference batch 32, bf16 forward and backward at the training batch 8. Whether removing cuDNN's
    NCHW/NHWC transposes pays once the norms stop undoing the layout."""
    torch.backends.cudnn.benchmark = True
    for batch, dt, train in [(32, torch.float16, False), (8, bf, True)]:
        for s in [(batch, 512, 64, 64), (batch, 256, 128, 128), (batch, 128, 256, 256), (batch, 64, 512, 512),
                  (batch, 96, 16, 64, 64)]:
            c = s[1]
            k = (3,) * (len(s) - 2)
            conv = F.conv2d if len(s) == 4 else F.conv3d
            fmt = torch.channels_last if len(s) == 4 else torch.channels_last_3d
            w1 = (torch.randn((c, c) + k, device=dev, dtype=dt) * 0.02).requires_grad_(train)
            w2 = (torch.randn((c, c) + k, device=dev, dtype=dt) * 0.02).requires_grad_(train)
            g = torch.ones(c, device=dev, dtype=dt, requires_grad=train)
            b = torch.zeros(c, device=dev, dtype=dt, requires_grad=train)
            x0 = torch.randn(s, device=dev, dtype=dt)
            for name, x, norm in [("channels-first, group_norm", x0, lambda v: F.group_norm(v, 32, g, b)),
                                  ("channels-last, layout-keeping norm", x0.contiguous(memory_format=fmt),
                                   lambda v: group_norm_keeping_layout(v, 32, g, b))]:
                x = x.clone().requires_grad_(train)
                wa = w1 if name.startswith("channels-first") else w1.detach().contiguous(memory_format=fmt).requires_grad_(train)
                wb = w2 if name.startswith("channels-first") else w2.detach().contiguous(memory_format=fmt).requires_grad_(train)

                def fwd():
                    h = F.relu(norm(conv(x, wa, padding=1)))
                    return F.relu(norm(conv(h, wb, padding=1)))

                with torch.set_grad_enabled(train):
                    out = fwd()
                    keeps = out.is_contiguous(memory_format=fmt)
                    ref = F.relu(F.group_norm(conv(F.relu(F.group_norm(conv(x0.float(), w1.float(), padding=1), 32,
                                                                       g.float(), b.float())), w2.float(), padding=1),
                                              32, g.float(), b.float()))
                    err = ((out.float() - ref).norm() / ref.norm()).item()
                if train:
                    gy = torch.randn_like(out)

                    def both():
                        x.grad = None
                        fwd().backward(gy)

                    ms = bench(both, reps=10)
                    line(f"res pair {dt} train {name} {tuple(s)}", ms, f"keeps layout: {keeps}  rel err {err:.1e}")
                else:
                    with torch.no_grad():
                        ms = bench(fwd, reps=10)
                    line(f"res pair {dt} infer {name} {tuple(s)}", ms, f"keeps layout: {keeps}  rel err {err:.1e}")
    torch.backends.cudnn.benchmark = False


def narrow_heads_training():
    """The warping generators' head (3x3x3 convolution to 3 offset channels at 16 x 64 x 64) forward and
    backward in bf16 at the training batch: as is, and with the output channels zero-padded to 8 (tensor
    cores want a multiple of 8; cuDNN otherwise falls back to non-tensor-core kernels)."""
    torch.backends.cudnn.benchmark = True
    for ci in [32, 64]:
        x0 = torch.randn((8, ci, 16, 64, 64), device=dev, dtype=bf)
        w0 = torch.randn((3, ci, 3, 3, 3), device=dev, dtype=bf) * 0.02
        gy = torch.randn((8, 3, 16, 64, 64), device=dev, dtype=bf)
        for name, pad in [("3 output channels", 0), ("padded to 8, sliced", 5)]:
            x = x0.clone().requires_grad_()
            w = w0.clone().requires_grad_()

            def fwd():
                ww = torch.cat([w, w.new_zeros((pad,) + tuple(w.shape[1:]))]) if pad else w
                return F.conv3d(x, ww, padding=1)[:, :3]

            def both():
                x.grad = None
                w.grad = None
                fwd().backward(gy)

            line(f"head conv3d {ci}->3 train {name}", bench(both, reps=10), f"fwd {bench(fwd, reps=10):7.3f} ms")
    torch.backends.cudnn.benchmark = False


def smooth_grid(n, d, h, w, amount=0.05, gen=None):
    """Identity grid plus smooth offsets and a small rotation, like the model's warps."""
    zs = torch.linspace(-1 + 1 / d, 1 - 1 / d, d, device=dev)
    ys = torch.linspace(-1 + 1 / h, 1 - 1 / h, h, device=dev)
    xs = torch.linspace(-1 + 1 / w, 1 - 1 / w, w, device=dev)
    z, y, x = torch.meshgrid(zs, ys, xs, indexing="ij")
    g = torch.stack([x, y, z], -1).expand(n, d, h, w, 3).clone()
    off = torch.randn(n, 3, 4, 8, 8, device=dev, generator=gen)
    off = F.interpolate(off, size=(d, h, w), mode="trilinear", align_corners=False).permute(0, 2, 3, 4, 1)
    return g + amount * off


def axis(coord, size):
    pos = ((coord + 1) * size - 1) / 2
    lower = pos.floor()
    frac = pos - lower
    upper = lower + 1
    lin = ((lower >= 0) & (lower <= size - 1)).to(pos.dtype)
    uin = ((upper >= 0) & (upper <= size - 1)).to(pos.dtype)
    weight = torch.stack([(1 - frac) * lin, frac * uin], 2)
    index = torch.stack([lower.clamp(0, size - 1), upper.clamp(0, size - 1)], 2).long()
    return index, weight


def sample_parts(vol, grid):
    nv, c, d, h, w = vol.shape
    n = grid.shape[0]
    p = grid.shape[1] * grid.shape[2] * grid.shape[3]
    g = grid.float().reshape(n, p, 3)
    ix, wx = axis(g[:, :, 0], w)
    iy, wy = axis(g[:, :, 1], h)
    iz, wz = axis(g[:, :, 2], d)
    rows = vol.permute(0, 2, 3, 4, 1).reshape(nv * d * h * w, c)
    index = (iz.reshape(n, p, 2, 1, 1) * (h * w) + iy.reshape(n, p, 1, 2, 1) * w + ix.reshape(n, p, 1, 1, 2)).reshape(n, 8 * p)
    weight = (wz.reshape(n, p, 2, 1, 1) * wy.reshape(n, p, 1, 2, 1) * wx.reshape(n, p, 1, 1, 2)).reshape(n, p, 1, 8)
    return rows, index, weight, (n, p, c)


def sample_bmm(vol, grid):
    """GridSampler FUSED as written in Java: one gather of all corners, batched (1x8)x(8xC) product."""
    rows, index, weight, (n, p, c) = sample_parts(vol, grid)
    corners = rows[index.reshape(-1)].reshape(n, p, 8, c)
    out = (weight.to(vol.dtype) @ corners).reshape(n, p, c)
    return out.reshape(n, *grid.shape[1:4], c).permute(0, 4, 1, 2, 3)


def sample_mulsum(vol, grid):
    rows, index, weight, (n, p, c) = sample_parts(vol, grid)
    corners = rows[index.reshape(-1)].reshape(n, p, 8, c)
    out = (corners * weight.reshape(n, p, 8, 1).to(vol.dtype)).sum(2)
    return out.reshape(n, *grid.shape[1:4], c).permute(0, 4, 1, 2, 3)


def sample_corner_major(vol, grid):
    """Corners gathered corner-major (n, 8, p, C): the weighting is 8 strided multiply-adds."""
    rows, index, weight, (n, p, c) = sample_parts(vol, grid)
    idx = index.reshape(n, p, 8).transpose(1, 2).reshape(-1)
    corners = rows[idx].reshape(n, 8, p, c)
    wt = weight.reshape(n, p, 8).transpose(1, 2).reshape(n, 8, p, 1).to(vol.dtype)
    out = (corners * wt).sum(1)
    return out.reshape(n, *grid.shape[1:4], c).permute(0, 4, 1, 2, 3)


def samplers():
    c, d, s = 96, 16, 64
    vol = torch.randn(1, c, d, s, s, device=dev, dtype=bf)
    for n in ([1, 4] if QUICK else [1, 4, 16]):
        grid = smooth_grid(n, d, s, s)
        ref = F.grid_sample(vol.float().expand(n, -1, -1, -1, -1), grid, mode="bilinear", padding_mode="zeros",
                            align_corners=False)
        out_bytes = n * c * d * s * s * 2
        for name, fn in [
            ("fused gather + bmm (Java FUSED)", lambda: sample_bmm(vol, grid)),
            ("fused gather + mul + sum", lambda: sample_mulsum(vol, grid)),
            ("corner-major gather + mul + sum", lambda: sample_corner_major(vol, grid)),
            ("torch grid_sample (not reachable from DJL)",
             lambda: F.grid_sample(vol.expand(n, -1, -1, -1, -1), grid.to(bf), align_corners=False)),
        ]:
            ms = bench(fn, reps=10)
            err = ((fn().float() - ref).norm() / ref.norm()).item()
            line(f"sample n={n} {name}", ms, f"rel.err {err:.1e}  out {out_bytes / ms / 1e6:7.1f} GB/s")
        # where the time of the Java version goes
        rows, index, weight, (nn, p, cc) = sample_parts(vol, grid)
        line(f"sample n={n}   part: coordinates, indices, weights", bench(lambda: sample_parts(vol, grid), reps=10))
        line(f"sample n={n}   part: gather (8 corners x C)", bench(lambda: rows[index.reshape(-1)], reps=10))
        corners = rows[index.reshape(-1)].reshape(nn, p, 8, cc)
        wb = weight.to(bf)
        line(f"sample n={n}   part: bmm (1x8)x(8xC)", bench(lambda: wb @ corners, reps=10))
        line(f"sample n={n}   part: mul + sum over corners", bench(lambda: (corners * wb.reshape(nn, p, 8, 1)).sum(2), reps=10))
        del corners


def convs():
    torch.backends.cudnn.benchmark = False
    cases = [(16, 512, 512, 64, 3), (1, 512, 512, 64, 3), (16, 128, 64, 512, 3), (1, 128, 64, 512, 3), (16, 64, 3, 512, 1)]
    for (n, ci, co, s, k) in cases:
        x = torch.randn(n, ci, s, s, device=dev, dtype=bf)
        wt = torch.randn(co, ci, k, k, device=dev, dtype=bf)
        fl = 2 * n * co * ci * k * k * s * s
        for bmk in [False, True]:
            torch.backends.cudnn.benchmark = bmk
            for fmt in ["nchw", "nhwc"]:
                xx = x if fmt == "nchw" else x.to(memory_format=torch.channels_last)
                ww = wt if fmt == "nchw" else wt.to(memory_format=torch.channels_last)
                ms = bench(lambda: F.conv2d(xx, ww, padding=k // 2), reps=10)
                line(f"conv{k}x{k} n={n} {ci}->{co} @{s} {fmt} cudnn.benchmark={bmk}", ms, f"{fl / ms / 1e9:7.1f} TFLOP/s")
    torch.backends.cudnn.benchmark = False


def face_convs():
    """The face networks' fp32 convolutions at the tracker's shapes: a 1x1 convolution alone, with its
    bias add and ReLU as separate kernels (what the nets do now), through cuDNN's fused
    conv-bias-ReLU, and as a channels-last matrix product with the bias and ReLU in cuBLASLt's
    epilogue; depthwise 3x3 channels-first against channels-last."""
    torch.backends.cudnn.benchmark = False
    for name, n, c, h, co in [("landmarks 56 px", 128, 32, 56, 64), ("landmarks 28 px", 128, 64, 28, 128),
                              ("landmarks 14 px", 128, 128, 14, 256), ("detector 256 px", 10, 32, 256, 64),
                              ("detector 64 px", 10, 256, 64, 256)]:
        x = torch.randn(n, c, h, h, device=dev)
        w = torch.randn(co, c, 1, 1, device=dev)
        b = torch.randn(co, device=dev)
        rows = x.to(memory_format=torch.channels_last).permute(0, 2, 3, 1).reshape(-1, c)
        wt = w.reshape(co, c).t()
        line(f"1x1 {name} {c}->{co} n={n}: conv alone", bench(lambda: F.conv2d(x, w)))
        line(f"1x1 {name} {c}->{co} n={n}: conv + bias + relu", bench(lambda: torch.relu(F.conv2d(x, w, b))))
        line(f"1x1 {name} {c}->{co} n={n}: cudnn_convolution_relu",
             bench(lambda: torch.cudnn_convolution_relu(x, w, b, [1, 1], [0, 0], [1, 1], 1)))
        line(f"1x1 {name} {c}->{co} n={n}: channels-last addmm, bias + relu epilogue",
             bench(lambda: torch._addmm_activation(b, rows, wt, use_gelu=False)))
    for name, n, c, h in [("landmarks 56 px", 128, 32, 56), ("detector 256 px", 10, 32, 256), ("detector 128 px", 10, 128, 128)]:
        x = torch.randn(n, c, h, h, device=dev)
        w = torch.randn(c, 1, 3, 3, device=dev)
        b = torch.randn(c, device=dev)
        xl = x.to(memory_format=torch.channels_last)
        line(f"depthwise 3x3 {name} {c} ch n={n}: channels-first", bench(lambda: F.conv2d(x, w, b, 1, 1, 1, c)))
        line(f"depthwise 3x3 {name} {c} ch n={n}: channels-last", bench(lambda: F.conv2d(xl, w, b, 1, 1, 1, c)))


def kernels_of(fn, top=4):
    """The names (shortened) of the GPU kernels that take the most time in one call of fn."""
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        fn()
        torch.cuda.synchronize()
    rows = sorted(p.key_averages(), key=lambda e: -e.device_time_total)[:top]
    return [f"{e.key[:60]} {e.device_time_total / 1e3:.2f} ms" for e in rows]


def pointwise_training():
    """1 x 1 (x 1) convolutions and 2 x 2 average pooling at the stage-1 training shapes (2n = 8, bf16),
    forward and backward: cuDNN (benchmark mode) on channels-first maps from an aligned and from a
    misaligned filter, against the same products as one batched matrix product per map (no layout
    change: Cout x Cin times Cin x positions); average pooling against a reshape and a mean."""
    torch.backends.cudnn.benchmark = True
    cases = [("G3D down.0 skip", (8, 96, 32, 64, 64), 192), ("G3D up.0 skip", (8, 192, 32, 64, 64), 96),
             ("G3D head", (8, 96, 16, 64, 64), 96), ("G3D up.1 skip", (8, 384, 32, 32, 32), 192),
             ("E_app to volume", (8, 512, 64, 64), 1536), ("G2D projection", (8, 1536, 64, 64), 512),
             ("G2D head", (8, 64, 512, 512), 3)]
    for name, s, co in cases:
        x0 = torch.randn(s, device=dev, dtype=bf)
        ci = s[1]
        w = (torch.randn((co, ci) + (1,) * (len(s) - 2), device=dev, dtype=bf) / ci ** 0.5).requires_grad_()
        conv = F.conv3d if len(s) == 5 else F.conv2d
        flops = 2 * x0.numel() * co

        def as_matmul(x, w):
            return torch.matmul(w.reshape(co, ci), x.reshape(s[0], ci, -1)).reshape((s[0], co) + s[2:])

        # the same filter as a view at an odd element offset of a larger buffer (as a training pass's
        # weights were, before FlatWeights aligned them)
        buffer = torch.zeros(w.numel() + 1, device=dev, dtype=bf)
        buffer[1:] = w.detach().reshape(-1)
        buffer.requires_grad_()
        ref = conv(x0.float(), w.float())
        gy = torch.randn(ref.shape, device=dev, dtype=bf)
        for form, fn, leaf in [("cuDNN conv", lambda x: conv(x, w), w),
                               ("cuDNN conv, misaligned filter", lambda x: conv(x, buffer[1:].view(w.shape)), buffer),
                               ("matrix product", lambda x: as_matmul(x, w), w)]:
            f_ms, fb_ms, err, both = forward_backward(fn, x0, gy, ref, leaves=(leaf,))
            line(f"1x1 {name} {ci}->{co} {tuple(s[2:])}: {form}", fb_ms,
                 f"fwd {f_ms:7.3f} ms ({flops / f_ms / 1e9:6.1f} TFLOP/s)  rel.err {err:.1e}")
            if form.startswith("cuDNN conv"):
                print("    kernels of forward + backward:", ", ".join(kernels_of(both)), flush=True)
    for s in [(8, 128, 512, 512), (8, 256, 256, 256), (8, 512, 128, 128), (8, 192, 32, 64, 64)]:
        x0 = torch.randn(s, device=dev, dtype=bf)
        k = (2,) * (len(s) - 2)
        pool = F.avg_pool3d if len(s) == 5 else F.avg_pool2d

        def blocks(x):
            v = x.reshape(s[:2] + tuple(d for n in s[2:] for d in (n // 2, 2)))
            return v.mean(tuple(range(3, v.dim(), 2)))

        ref = pool(x0.float(), k)
        gy = torch.randn(ref.shape, device=dev, dtype=bf)
        for form, fn in [("avg_pool", lambda x: pool(x, k)), ("reshape + mean", blocks)]:
            f_ms, fb_ms, err, _ = forward_backward(fn, x0, gy, ref)
            line(f"2x pooling {tuple(s)}: {form}", fb_ms, f"fwd {f_ms:7.3f} ms  rel.err {err:.1e}")


if __name__ == "__main__":
    print(torch.__version__, torch.cuda.get_device_name(), flush=True)
    torch.manual_seed(0)
    only = [a[len("--only="):] for a in sys.argv if a.startswith("--only=")]
    for section in [ceilings, norms, norms_training, upsamples_training, layouts_training, layouts_kept, narrow_heads_training,
                    samplers, convs, face_convs, pointwise_training]:
        if not only or section.__name__ in only:
            section()
