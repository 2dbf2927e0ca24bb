package org.megaportraits.nn.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Initial values of a parameter: a constant, a uniform with a fan-in bound (PyTorch's default for
 * convolutions and linear layers), or a normal. Unseeded, it draws from the engine's generator like
 * any DJL initializer; {@link #seedAll} gives every parameter of a network its own generator
 * derived from one seed and the parameter's name, so a network is the same on every device and in
 * every order of initialisation.
 */
public final class Init implements Initializer {

    private enum Kind { CONSTANT, UNIFORM, NORMAL }

    /** Values per block of a seeded draw. */
    private static final int BLOCK = 1 << 16;

    private final Kind kind;
    private final float value;
    private final Long seed;

    private Init(Kind kind, float value, Long seed) {
        this.kind = kind;
        this.value = value;
        this.seed = seed;
    }

    /** Every element {@code v}. */
    public static Init constant(float v) {
        return new Init(Kind.CONSTANT, v, null);
    }

    /** Uniform in +-{@code gain / sqrt(fanIn)}. */
    public static Init fanInUniform(long fanIn, float gain) {
        return new Init(Kind.UNIFORM, (float) (gain / Math.sqrt(fanIn)), null);
    }

    /** Uniform in +-{@code bound}. */
    public static Init uniform(float bound) {
        return new Init(Kind.UNIFORM, bound, null);
    }

    /** Normal with mean 0 and the given standard deviation. */
    public static Init normal(float std) {
        return new Init(Kind.NORMAL, std, null);
    }

    /** This initialiser with a generator of its own. */
    public Init seeded(long s) {
        return new Init(kind, value, s);
    }

    /**
     * Seeds every {@link Init} among the parameters: parameter {@code name} draws from a generator
     * seeded by {@code seed} and the name. Call before {@code initialize}.
     */
    public static void seedAll(Map<String, Parameter> named, long seed) {
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            if (e.getValue().getInitializer() instanceof Init init) {
                e.getValue().setInitializer(init.seeded(mix(seed, e.getKey())));
            }
        }
    }

    private static long mix(long seed, String name) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        return h;
    }

    /** The seed of block {@code block} of a parameter seeded {@code seed}. */
    private static long mix(long seed, int block) {
        long h = (seed ^ 0x9E3779B97F4A7C15L) + block * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 31)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        if (kind == Kind.CONSTANT) {
            return manager.full(shape, value, dataType);
        }
        if (seed == null) {
            NDArray a = kind == Kind.UNIFORM
                    ? manager.randomUniform(-value, value, shape, DataType.FLOAT32)
                    : manager.randomNormal(0f, value, shape, DataType.FLOAT32);
            return as(a, dataType);
        }
        int n = Math.toIntExact(shape.size());
        FloatBuffer buf = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        // blocks of a fixed size, each from a generator of its own seeded by the parameter's seed and
        // the block's index: the same values on any number of threads, drawn on all cores (the
        // paper-512 preset's 155 M values took 2.3 s on one)
        int blocks = (n + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            // block 0 keeps the parameter's own seed: a parameter of one block draws what it drew
            // before blocks existed
            SplittableRandom rnd = new SplittableRandom(b == 0 ? seed : mix(seed, b));
            for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
                // absolute puts: no shared position between the threads
                buf.put(i, kind == Kind.UNIFORM
                        ? (float) ((rnd.nextDouble() * 2 - 1) * value)
                        : (float) (rnd.nextGaussian() * value));
            }
        });
        return as(manager.create(buf, shape), dataType);
    }

    /** The array in another type; the float original is freed at once (it would hold device memory). */
    private static NDArray as(NDArray a, DataType dataType) {
        if (a.getDataType() == dataType) {
            return a;
        }
        NDArray cast = a.toType(dataType, false);
        a.close();
        return cast;
    }
}
