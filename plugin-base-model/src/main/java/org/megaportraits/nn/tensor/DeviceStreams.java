package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CUDA stream of its own for each thread that works on a GPU, and calls that end with their
 * work done.
 * <p>
 * PyTorch queues every thread's kernels on one stream unless told otherwise, so a thread that
 * reads a result back (face boxes, landmarks, finished frames) waits for everything other threads
 * queued before it: in the reenact job the tracking and finishing stages waited behind the model's
 * batch at every read-back, and the GPU sat idle a quarter of the time. Here each thread, on its
 * first call, is given a stream from PyTorch's pool (its current stream, a per-thread setting), so
 * a read-back waits for the thread's own work only and the stages' kernels overlap on the GPU.
 * <p>
 * Arrays then cross threads, and so streams: a render made on the model's stream is composited on
 * the finishing thread's. The rule that makes that safe: every service call that works on the
 * device runs in a {@link Scope}, and the outermost scope of a thread waits, when it closes, until
 * the thread's stream has done everything queued. So whatever a call returns is complete, and no
 * kernel of a thread is still queued after its call returned, when another thread may free the
 * arrays it read (PyTorch's allocator hands freed memory back to the stream that allocated it,
 * which would otherwise overwrite it under the queued kernel). Arrays made once and shared by
 * threads (cached weight casts) are made complete before they are shared ({@link #synchronize}).
 * <p>
 * On the CPU, or with {@value #PROPERTY}{@code =false} (every thread on PyTorch's default stream,
 * as before), scopes do nothing. The streams come from a TorchScript module of two methods, loaded
 * on the first GPU call (libtorch without CUDA cannot compile it).
 */
public final class DeviceStreams {

    /** System property: {@code false} keeps every thread on PyTorch's default stream. */
    public static final String PROPERTY = "portraits.cuda.streams";

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());

    /** Open scopes on this thread: only the outermost one waits. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** GPU indices on which this thread has its own stream. */
    private static final ThreadLocal<Set<Integer>> OWN = ThreadLocal.withInitial(HashSet::new);

    /** A zero-dimensional array per GPU: names the device to the module's methods. */
    private static final Map<Integer, NDArray> MARKERS = new ConcurrentHashMap<>();

    private static final Scope NONE = () -> { };

    private DeviceStreams() {
    }

    /** Work on the device; closing the outermost scope of a thread waits until that work is done. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Enters device work on the calling thread: on a GPU, gives the thread its own stream there
     * (once) and returns a scope whose closing, if it is the thread's outermost, waits for the
     * stream. On the CPU, a scope that does nothing.
     */
    public static Scope enter(Device device) {
        if (!ENABLED || device == null || !device.isGpu()) {
            return NONE;
        }
        int gpu = device.getDeviceId();
        if (OWN.get().add(gpu)) {
            run("own_stream", gpu);
        }
        int[] depth = DEPTH.get();
        depth[0]++;
        return () -> {
            if (--depth[0] == 0) {
                run("sync_stream", gpu);
            }
        };
    }

    /** Waits until the calling thread's current stream on the device has done its work (nothing on the CPU). */
    public static void synchronize(Device device) {
        if (ENABLED && device != null && device.isGpu()) {
            run("sync_stream", device.getDeviceId());
        }
    }

    /** Whether the calling thread has been given a stream of its own on the GPU (for tests). */
    static boolean hasOwnStream(int gpu) {
        return OWN.get().contains(gpu);
    }

    private static void run(String method, int gpu) {
        NDArray marker = MARKERS.computeIfAbsent(gpu, g -> ScriptModule.kept(
                Devices.engine().newBaseManager(Device.gpu(g)).zeros(new Shape())));
        // the method hands its argument back: a new handle on the marker's tensor, let go at once
        Module.STREAMS.call(method, marker).close();
    }

    /** The module, loaded on the first GPU call. */
    static final class Module {
        private static final String CLASS = "Streams";
        static final ScriptModule STREAMS = load();

        private static ScriptModule load() {
            return ScriptModule.compile(ScriptModule.archive(CLASS, code(), "__torch__/torch/classes/cuda.py"),
                    "the CUDA stream methods", "run with -D" + PROPERTY + "=false, or with the libtorch DJL "
                            + Engine.getDjlVersion() + " is built for");
        }

        /** A new stream from PyTorch's pool made the thread's current one; waiting for the current one. */
        static String code() {
            String self = "self: __torch__." + CLASS;
            String stream = "__torch__.torch.classes.cuda.Stream";
            return "class " + CLASS + "(Module):\n"
                    + "  __parameters__ = []\n"
                    + "  __buffers__ = []\n"
                    + "  training : bool\n"
                    + "  def forward(" + self + ", x: Tensor) -> Tensor:\n"
                    + "    return x\n"
                    + "  def own_stream(" + self + ", x: Tensor) -> Tensor:\n"
                    + "    s = " + stream + ".__new__(" + stream + ")\n"
                    + "    _0 = (s).__init__(ops.prim.device(x), 0, )\n"
                    + "    ops.cuda.set_stream(s)\n"
                    + "    return x\n"
                    + "  def sync_stream(" + self + ", x: Tensor) -> Tensor:\n"
                    + "    _1 = (ops.cuda.current_stream(ops.prim.device(x))).synchronize()\n"
                    + "    return x\n";
        }
    }
}
