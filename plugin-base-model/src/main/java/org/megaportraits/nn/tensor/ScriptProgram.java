package org.megaportraits.nn.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A TorchScript class whose source a bundle supplies (as {@code torch.jit.save} writes code: a
 * class {@code NAME(Module)} with typed methods, see {@code TorchOps.Source}), compiled once and
 * called from Java. For device work of many small operators: a method call is one engine call, and
 * its operators run in the TorchScript interpreter instead of one JNI call each. Calls run as
 * written, the same on every call: the graph executor's optimiser stays off. (With it on, PyTorch's
 * tensor-expression fuser did fuse the element-wise chains of the mattes' solver on an H100, but
 * compiled them anew for every new batch shape, 6-7 s each through NVRTC, and saved little.)
 * <p>
 * Methods take tensors only: pass numbers as {@link #number(long)} and {@link #number(double)} and
 * read them with {@code int(x)} and {@code float(x)}. Results belong to the first argument's
 * manager; autograd records the calls.
 */
public final class ScriptProgram {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9_]*");

    private final ScriptModule module;
    private final String className;

    private ScriptProgram(ScriptModule module, String className) {
        this.module = module;
        this.className = className;
    }

    /**
     * Compiles the source of a class {@code className}; the source's method signatures name it as
     * {@code __torch__.className}.
     *
     * @throws IllegalStateException naming the class and the PyTorch version when libtorch cannot compile it
     */
    public static ScriptProgram compile(String className, String code) {
        if (!NAME.matcher(className).matches()) {
            throw new IllegalArgumentException("not a TorchScript class name: " + className);
        }
        return new ScriptProgram(ScriptModule.compile(ScriptModule.archive(className, code), "the TorchScript class " + className,
                ScriptModule.useDjlsLibtorch()), className);
    }

    /**
     * Compiles the class {@code className} whose source is the resource {@code className.torchscript}
     * beside {@code owner} (in the owner's package, read through its class loader).
     *
     * @throws IllegalStateException when the resource is missing or libtorch cannot compile it
     */
    public static ScriptProgram compileResource(Class<?> owner, String className) {
        String name = className + ".torchscript";
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + owner.getName() + ": rebuild its bundle");
            }
            return compile(className, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " beside " + owner.getName(), e);
        }
    }

    /** Runs a method on the device of its arguments; the results join {@code first}'s manager. */
    public NDList call(String method, NDArray first, NDArray... rest) {
        return module.call(method, first, rest);
    }

    /** An integer argument (a zero-dimensional CPU array, cached per value). */
    public static NDArray number(long v) {
        return ScriptModule.number(v);
    }

    /** A float argument (a zero-dimensional CPU array, cached per value). */
    public static NDArray number(double v) {
        return ScriptModule.number(v);
    }

    @Override
    public String toString() {
        return "ScriptProgram[" + className + "]";
    }
}
