package org.megaportraits.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.megaportraits.nn.tensor.Scalars;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, step for step as
 * {@code torch.optim.AdamW}: {@code w -= lr * wd * w}, then
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 *
 * <p>DJL 0.36 has an AdamW that computes the same update (checked: one step from w = 1 with
 * gradient 0, lr 0.1, wd 0.01 gives 0.999), but its moments and per-parameter step counts are
 * private, so a checkpoint could not hold them. This one keeps its state in the open: the moments
 * by parameter name and the step count, for {@link #state()} and {@link #restore}.
 *
 * <p>It updates a network's {@link FlatWeights}: the weights, their gradient and the two moments
 * are each one flat buffer, so a step is a dozen element-wise kernels whatever the number of
 * weights. The weights are updated in place through a detached alias (allowed whatever the
 * thread's gradient mode); the gradient is zeroed after the update (PyTorch accumulates gradients
 * across backward passes).
 */
public final class AdamW implements AutoCloseable {

    /** Hyper-parameters. Paper, supplement B.1: betas (0.5, 0.999), eps 1e-8, weight decay 1e-2. */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {

        /** The paper's values. */
        public static final Settings PAPER = new Settings(0.5, 0.999, 1e-8, 1e-2);
    }

    /** The optimizer's state as a checkpoint holds it. */
    public record State(long steps, Map<String, NDArray> firstMoments, Map<String, NDArray> secondMoments) {
    }

    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private Flat flat;
    private long steps;

    /** An optimizer whose moments live in a child of {@code parent} (on the parameters' devices). */
    public AdamW(Settings settings, NDManager parent) {
        this.settings = settings;
        this.manager = parent.newSubManager();
    }

    /** The hyper-parameters. */
    public Settings settings() {
        return settings;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** Thrown, before any weight or moment changes, when a gradient holds a NaN or an infinity. */
    public static final class NonFiniteGradientsException extends IllegalStateException {
        NonFiniteGradientsException() {
            super("gradients are not finite; no step taken");
        }
    }

    /**
     * One update of every weight from its gradient with learning rate {@code lr}, then zeroes the
     * gradient. The moments are created (zero) on the first update. The whole update is a dozen
     * element-wise kernels over the flat buffers, whatever the number of weights.
     *
     * @throws NonFiniteGradientsException if a gradient is not finite (nothing is changed then)
     */
    public void step(FlatWeights weights, double lr) {
        steps++;
        double b1 = settings.beta1;
        double b2 = settings.beta2;
        double bc1 = 1 - Math.pow(b1, steps);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, steps));
        float stepSize = (float) (lr / bc1);
        float decayRate = (float) (lr * settings.weightDecay);
        Flat flat = flat(weights);
        try (NDScope scope = new NDScope()) {
            NDArray g = weights.gradient();
            // a NaN or infinity would poison every weight and every later checkpoint: one sum over the
            // flat gradient (one host synchronisation), checked before anything changes
            if (!Float.isFinite(g.sum().toType(DataType.FLOAT32, false).getFloat())) {
                steps--;
                throw new NonFiniteGradientsException();
            }
            // a detached alias: PyTorch refuses in-place changes of a leaf that requires gradients
            // while gradient mode is on, and that mode is per thread (on in a fresh thread)
            NDArray w = weights.values().stopGradient();
            Scalars.muli(flat.first, (float) b1).addi(Scalars.mul(g, 1 - b1));
            Scalars.muli(flat.second, (float) b2).addi(Scalars.muli(g.square(), (float) (1 - b2)));
            NDArray denom = Scalars.addi(Scalars.divi(flat.second.sqrt(), (float) bc2Sqrt), (float) settings.epsilon);
            // w <- w - lr * wd * w - lr / bc1 * m / denom (decoupled decay, then the Adam step)
            NDArray update = Scalars.muli(flat.first.div(denom), stepSize).addi(Scalars.mul(w, decayRate));
            w.subi(update);
            g.subi(g);
        }
    }

    /** The flat moment buffers of a set of weights, made on first use (from restored moments if any). */
    private Flat flat(FlatWeights weights) {
        if (flat != null && flat.names.equals(weights.names())) {
            return flat;
        }
        List<String> names = weights.names();
        Map<String, NDArray> arrays = weights.arrays();
        NDArray like = weights.values();
        NDArray m = buffer(names, arrays, first, weights.size(), like);
        NDArray v = buffer(names, arrays, second, weights.size(), like);
        if (flat != null) {
            flat.close();
        }
        flat = new Flat(names, m, v);
        // the state's per-parameter moments become views of the buffers
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
        first.clear();
        second.clear();
        long offset = 0;
        for (String name : names) {
            NDArray w = arrays.get(name);
            first.put(name, view(m, offset, w));
            second.put(name, view(v, offset, w));
            offset += w.size();
        }
        return flat;
    }

    private NDArray buffer(List<String> names, Map<String, NDArray> weights, Map<String, NDArray> moments, long total,
                           NDArray like) {
        NDArray b = manager.zeros(new Shape(total), like.getDataType(), like.getDevice());
        NDScope.unregister(b);
        long offset = 0;
        for (String name : names) {
            NDArray w = weights.get(name);
            NDArray known = moments.get(name);
            if (known != null) {
                try (NDScope scope = new NDScope()) {
                    b.get(new NDIndex(offset + ":" + (offset + w.size()))).addi(known.reshape(-1));
                }
            }
            offset += w.size();
        }
        return b;
    }

    private static NDArray view(NDArray buffer, long offset, NDArray like) {
        NDArray v = buffer.get(new NDIndex(offset + ":" + (offset + like.size()))).reshape(like.getShape());
        NDScope.unregister(v);
        return v;
    }

    /** Parameter order and the two moment buffers. */
    private record Flat(List<String> names, NDArray first, NDArray second) {
        void close() {
            first.close();
            second.close();
        }
    }

    /** The state: step count and the moments by parameter name (live arrays, not copies). */
    public State state() {
        return new State(steps, Collections.unmodifiableMap(first), Collections.unmodifiableMap(second));
    }

    /**
     * Replaces the state with a checkpoint's: the step count and copies of the moments, each put on
     * the device of the weight of the same name.
     */
    public void restore(State state, FlatWeights weights) {
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
        first.clear();
        second.clear();
        if (flat != null) {
            // the next step builds new buffers from the restored moments
            flat.close();
            flat = null;
        }
        steps = state.steps();
        copyInto(state.firstMoments(), first, weights.arrays());
        copyInto(state.secondMoments(), second, weights.arrays());
    }

    private void copyInto(Map<String, NDArray> from, Map<String, NDArray> to, Map<String, NDArray> weights) {
        for (Map.Entry<String, NDArray> e : from.entrySet()) {
            NDArray w = weights.get(e.getKey());
            if (w == null) {
                throw new IllegalArgumentException("optimizer state names a parameter the network does not have: " + e.getKey());
            }
            if (!w.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("optimizer state for " + e.getKey() + " has shape "
                        + e.getValue().getShape() + ", the parameter " + w.getShape());
            }
            NDArray copy = e.getValue().toDevice(w.getDevice(), true);
            copy.attach(manager);
            to.put(e.getKey(), copy);
        }
    }

    /** Frees the moments. */
    @Override
    public void close() {
        manager.close();
    }
}
