package org.megaportraits.nn.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * An {@link ImageBatch} backed by an N x C x H x W NDArray with values in [0, 1]. It owns a manager
 * of its own (a child of the one given), so closing the batch frees exactly its tensor.
 */
public final class NDImageBatch implements ImageBatch {

    /** Each thread's upload buffer for GPUs (see {@link #staging}). */
    private static final ThreadLocal<SoftReference<ByteBuffer>> STAGING = new ThreadLocal<>();

    private final NDManager manager;
    private final NDArray pixels;
    private volatile boolean closed;

    private NDImageBatch(NDManager manager, NDArray pixels) {
        this.manager = manager;
        this.pixels = pixels;
    }

    /**
     * Wraps a tensor; the tensor is moved into a new child manager of {@code parent} owned by the
     * batch. The caller must not close the tensor itself.
     */
    public static NDImageBatch wrap(NDManager parent, NDArray nchw) {
        Shape s = nchw.getShape();
        if (s.dimension() != 4 || (s.get(1) != 3 && s.get(1) != 1)) {
            throw new IllegalArgumentException("image batch must be N x {1,3} x H x W, got " + s);
        }
        NDManager own = parent.newSubManager(nchw.getDevice());
        nchw.attach(own);
        return new NDImageBatch(own, nchw);
    }

    /**
     * The batch as a float tensor on {@code manager}'s device. Without a copy when the batch is
     * already a tensor there: the array then still belongs to the batch. Otherwise a copy owned by
     * {@code manager}. Either way the caller never closes the result itself: use a manager scoped
     * to the call.
     */
    public static NDArray toTensor(ImageBatch batch, NDManager manager) {
        Optional<NDArray> nd = batch.unwrap(NDArray.class);
        if (nd.isPresent()) {
            NDArray a = nd.get();
            if (a.getDevice().equals(manager.getDevice())) {
                return a;
            }
            NDArray moved = a.toDevice(manager.getDevice(), true);
            moved.attach(manager);
            return moved;
        }
        return fromHost(batch.toHost(), manager);
    }

    /** Uploads host images as an N x 3 x H x W float tensor in [0, 1]. */
    public static NDArray fromHost(List<RgbImage> images, NDManager manager) {
        RgbImage first = images.get(0);
        int w = first.width();
        int h = first.height();
        ByteBuffer buf = staging(images.size() * w * h * 3, manager.getDevice().isGpu());
        for (RgbImage im : images) {
            if (im.width() != w || im.height() != h) {
                throw new InvalidInputException("images of a batch differ in size", "resize them to one size first");
            }
            buf.put(im.rgb());
        }
        buf.flip();
        try (NDManager scratch = manager.newSubManager()) {
            int n = images.size();
            NDArray hwc = scratch.create(buf, new Shape(n, h, w, 3), DataType.UINT8);
            // a transposed view would keep the interleaved memory layout, and PyTorch carries that
            // "channels-last" layout through every later operation: convolutions then take other,
            // much slower to start (seconds of first calls for the face detector) cuDNN paths. The
            // flattening reshape cannot be a view of the transpose, so it copies (8-bit values, cheap)
            // into plain N x C x H x W order.
            NDArray planar = hwc.transpose(0, 3, 1, 2).reshape(n, 3L * h * w).reshape(n, 3, h, w);
            NDArray nchw = Scalars.div(planar.toType(DataType.FLOAT32, false), 255f);
            nchw.attach(manager);
            return nchw;
        }
    }

    /**
     * A direct buffer of {@code bytes} to upload from. For a GPU it is the calling thread's buffer,
     * reused: the engine copies it to the device before {@code create} returns, and a fresh 25 MB
     * (a batch of 32 frames of 512 x 512) cost the tracker 10 ms a batch in allocation and first
     * touch on an H100 host. Held softly, so memory pressure can take it back. A CPU array keeps
     * pointing at its buffer, so it gets a fresh one.
     */
    private static ByteBuffer staging(int bytes, boolean reusable) {
        if (!reusable) {
            return ByteBuffer.allocateDirect(bytes);
        }
        SoftReference<ByteBuffer> held = STAGING.get();
        ByteBuffer b = held == null ? null : held.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes);
            STAGING.set(new SoftReference<>(b));
        }
        b.clear();
        b.limit(bytes);
        return b;
    }

    /** Downloads an N x C x H x W tensor in [0, 1] as 8-bit RGB images (a one-channel matte becomes grey). */
    public static List<RgbImage> toHost(NDArray nchw) {
        byte[] all;
        try (NDManager scratch = nchw.getManager().newSubManager()) {
            NDArray x = nchw.toType(DataType.FLOAT32, true);
            x.attach(scratch);
            if (x.getShape().get(1) == 1) {
                x = x.repeat(1, 3);
            }
            // interleaved on the device: a copy of a transposed view would be reordered on the host
            NDArray rgb8 = Scalars.add(Scalars.mul(Scalars.clip(x, 0f, 1f), 255f), 0.5f).floor().toType(DataType.UINT8, false);
            all = TorchOps.contiguous(rgb8.transpose(0, 2, 3, 1)).toDevice(ai.djl.Device.cpu(), false).toByteArray();
        }
        int n = (int) nchw.getShape().get(0);
        int h = (int) nchw.getShape().get(2);
        int w = (int) nchw.getShape().get(3);
        List<RgbImage> out = new ArrayList<>(n);
        int frame = w * h * 3;
        for (int i = 0; i < n; i++) {
            byte[] one = new byte[frame];
            System.arraycopy(all, i * frame, one, 0, frame);
            out.add(new RgbImage(w, h, one));
        }
        return out;
    }

    /** The tensor, owned by this batch. */
    public NDArray tensor() {
        return pixels;
    }

    @Override
    public int size() {
        return (int) pixels.getShape().get(0);
    }

    @Override
    public int channels() {
        return (int) pixels.getShape().get(1);
    }

    @Override
    public int height() {
        return (int) pixels.getShape().get(2);
    }

    @Override
    public int width() {
        return (int) pixels.getShape().get(3);
    }

    @Override
    public String device() {
        ai.djl.Device d = pixels.getDevice();
        return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
    }

    @Override
    public List<RgbImage> toHost() {
        if (closed) {
            throw new IllegalStateException("image batch is closed");
        }
        return toHost(pixels);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (closed) {
            throw new IllegalStateException("image batch is closed");
        }
        return type.isInstance(pixels) ? Optional.of(type.cast(pixels)) : Optional.empty();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
