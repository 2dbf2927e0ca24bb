package org.megaportraits.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * <p>Weights are updated in place through detached aliases (allowed whatever the thread's gradient
 * mode); their gradients are zeroed after the update (PyTorch accumulates gradients across backward
 * passes).
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

    /**
     * One update of every weight from its gradient with learning rate {@code lr}, then zeroes the
     * gradients. A weight's moments are created (zero) on its first update.
     */
    public void step(Map<String, NDArray> weights, double lr) {
        steps++;
        double b1 = settings.beta1;
        double b2 = settings.beta2;
        double bc1 = 1 - Math.pow(b1, steps);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, steps));
        float decay = (float) (1 - lr * settings.weightDecay);
        float stepSize = (float) (lr / bc1);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            try (NDScope scope = new NDScope()) {
                // a detached alias of the weight: PyTorch refuses in-place changes of a leaf that
                // requires gradients while gradient mode is on, and that mode is per thread (on in a
                // fresh thread)
                NDArray w = e.getValue().stopGradient();
                NDArray g = e.getValue().getGradient();
                NDArray m = first.computeIfAbsent(e.getKey(), k -> zeros(e.getValue()));
                NDArray v = second.computeIfAbsent(e.getKey(), k -> zeros(e.getValue()));
                m.muli((float) b1).addi(g.mul((float) (1 - b1)));
                v.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
                w.muli(decay);
                NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) settings.epsilon);
                w.subi(m.div(denom).muli(stepSize));
                g.subi(g);
            }
        }
    }

    /** Zeroes the gradients of the weights without updating them. */
    public static void zeroGradients(Map<String, NDArray> weights) {
        for (NDArray w : weights.values()) {
            try (NDScope scope = new NDScope()) {
                NDArray g = w.getGradient();
                g.subi(g);
            }
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
    public void restore(State state, Map<String, NDArray> weights) {
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
        first.clear();
        second.clear();
        steps = state.steps();
        copyInto(state.firstMoments(), first, weights);
        copyInto(state.secondMoments(), second, weights);
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

    private NDArray zeros(NDArray like) {
        NDArray z = manager.zeros(like.getShape(), like.getDataType(), like.getDevice());
        NDScope.unregister(z);
        return z;
    }

    /** Frees the moments. */
    @Override
    public void close() {
        manager.close();
    }
}
