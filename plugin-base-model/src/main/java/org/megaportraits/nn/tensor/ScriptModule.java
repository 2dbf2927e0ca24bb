package org.megaportraits.nn.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module whose source is written in Java or shipped as text ({@link TorchOps},
 * {@link DeviceStreams}, {@link ScriptProgram}):
 * packed, with a two-line pickle of the module object, into the zip archive {@code torch::jit::load}
 * reads, loaded from memory through DJL's JNI, its methods called through DJL's training-capable
 * module call (autograd records them; results join the first argument's manager).
 */
final class ScriptModule {

    /** Where the modules and their cached CPU arguments live (they hold no tensors of their own). */
    static final NDManager MANAGER = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);

    /** What DJL sets the graph executor's optimiser to (its property, default on). */
    private static final boolean OPTIMIZER_DEFAULT =
            Boolean.parseBoolean(System.getProperty("ai.djl.pytorch.graph_optimizer", "true"));

    /** Names DJL's module call reads as plain tensors (others carry list, tuple or method markers). */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_\\-]*");

    /** Zero-dimensional CPU arrays for integer and float arguments, made once per value. */
    private static final Map<Object, NDArray> NUMBERS = new ConcurrentHashMap<>();

    private final PtSymbolBlock block;
    private final Map<String, NDArray> tags = new ConcurrentHashMap<>();

    private ScriptModule(PtSymbolBlock block) {
        this.block = block;
    }

    /** Loads an archive made by {@link #archive}; libtorch's compile errors come as runtime exceptions. */
    static ScriptModule load(byte[] archive) throws IOException {
        return new ScriptModule(JniUtils.loadModule((PtNDManager) MANAGER, new ByteArrayInputStream(archive), false, false));
    }

    /**
     * Loads an archive made by {@link #archive}; when libtorch cannot compile it, an
     * {@link IllegalStateException} says "the PyTorch library in use (version) could not compile
     * {@code what}; {@code remedy}", with libtorch's error as its cause.
     */
    static ScriptModule compile(byte[] archive, String what, String remedy) {
        try {
            return load(archive);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the PyTorch library in use (" + Engine.getEngine(Devices.ENGINE).getVersion()
                    + ") could not compile " + what + "; " + remedy, e);
        }
    }

    /** The remedy when the library in use is older than DJL's. */
    static String useDjlsLibtorch() {
        return "run with the libtorch DJL " + Engine.getDjlVersion() + " is built for, or a newer one";
    }

    /** A zero-dimensional int64 CPU array holding {@code v}, cached: a size, a count, an index. */
    static NDArray number(long v) {
        return NUMBERS.computeIfAbsent(v, k -> kept(MANAGER.full(new Shape(), v, DataType.INT64)));
    }

    /** A zero-dimensional float64 CPU array holding {@code v} (as a float), cached: an epsilon, a weight. */
    static NDArray number(double v) {
        return NUMBERS.computeIfAbsent(v, k -> kept(MANAGER.full(new Shape(), (float) v, DataType.FLOAT64)));
    }

    /** Runs a method of the module; the result joins {@code first}'s manager. */
    NDList call(String method, NDArray first, NDArray... rest) {
        NDList in = new NDList(rest.length + 2);
        in.add(plain(first));
        // DJL picks the method from an array so named; it is not passed to the method
        in.add(tag(method));
        for (NDArray a : rest) {
            in.add(plain(a));
        }
        // the graph executor's optimiser (profiling runs, plans specialised to the shapes seen, on a
        // GPU element-wise chains fused into kernels compiled at run time for each new shape) runs
        // off: the methods run as written, the same on every call; the setting is per thread, and
        // the thread gets DJL's configured value back
        JniUtils.setGraphExecutorOptimize(false);
        try {
            return IValueUtils.forward(block, in, true);
        } finally {
            JniUtils.setGraphExecutorOptimize(OPTIMIZER_DEFAULT);
        }
    }

    private NDArray tag(String method) {
        return tags.computeIfAbsent(method, m -> {
            NDArray t = kept(MANAGER.zeros(new Shape()));
            t.setName("module_method:" + m);
            return t;
        });
    }

    /** The array, or an unnamed view of it when its name would read as a list, tuple or map marker. */
    private static NDArray plain(NDArray a) {
        String name = a.getName();
        return name == null || PLAIN_NAME.matcher(name).matches() ? a : a.reshape(a.getShape());
    }

    /** An array made to be cached: out of any NDScope open on this thread (which would close it). */
    static NDArray kept(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    /**
     * The zip {@code torch::jit::load} reads for a class of the given name and source (as
     * {@code torch.jit.save} writes code: {@code class NAME(Module):} with typed methods): the code,
     * the module object pickled (protocol 2: an instance of the class with {@code training = True}),
     * an empty constants table, the format version (3: no operator in the code has a versioned
     * upgrader), and the given further code files, empty (the source files of the TorchBind classes
     * the code names).
     */
    static byte[] archive(String className, String code, String... emptyCodeFiles) {
        try {
            ByteArrayOutputStream pickle = new ByteArrayOutputStream();
            pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
            pickle.write(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
            pickle.write(new byte[] {')', (byte) 0x81, '}'}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT
            byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
            pickle.write(new byte[] {'X', (byte) key.length, 0, 0, 0}); // BINUNICODE
            pickle.write(key);
            pickle.write(new byte[] {(byte) 0x88, 's', 'b', '.'}); // NEWTRUE SETITEM BUILD STOP
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            String root = className.toLowerCase(java.util.Locale.ROOT) + "/";
            try (ZipOutputStream z = new ZipOutputStream(zip)) {
                stored(z, root + "data.pkl", pickle.toByteArray());
                stored(z, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
                for (String f : emptyCodeFiles) {
                    stored(z, root + "code/" + f, new byte[0]);
                }
                stored(z, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
                stored(z, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
            return zip.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
