package org.megaportraits.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * A network's trainable weights as slices of one flat fp32 buffer, the single leaf that autograd
 * accumulates into. Each parameter's array is a (detached) view of its slice, so checkpoints,
 * exports and inference read and write the weights as before, while training touches all of them
 * at once:
 * <ul>
 *   <li>{@link #forTraining} gives every weight for one training pass through a single
 *       differentiable cast of the buffer to the compute type and one split (two kernels where a
 *       cast at every use launched two per weight and use); the split's backward concatenates the
 *       weights' gradients in one kernel into the buffer's gradient;</li>
 *   <li>the optimizer updates and checks the buffer, and {@link #zeroGradients} resets its
 *       gradient, in a handful of kernels instead of several per weight (495 in the paper-512
 *       generator).</li>
 * </ul>
 */
public final class FlatWeights implements AutoCloseable {

    private final List<String> names;
    private final List<Shape> shapes;
    private final List<Parameter> parameters;
    private final long[] splits;
    private final NDManager manager;
    private final NDArray flat;
    private final Map<String, NDArray> slots = new LinkedHashMap<>();

    private FlatWeights(Map<String, Shape> named, List<Parameter> parameters, NDManager parent) {
        if (named.isEmpty()) {
            throw new IllegalArgumentException("no trainable weights");
        }
        List<String> given = List.copyOf(named.keySet());
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < given.size(); k++) {
            order.add(k);
        }
        // (a stable sort: each group keeps the network's order)
        order.sort(Comparator.comparingInt(k -> alignmentClass(named.get(given.get(k)).size())));
        List<String> orderedNames = new ArrayList<>();
        List<Shape> orderedShapes = new ArrayList<>();
        List<Parameter> orderedParameters = new ArrayList<>();
        for (int k : order) {
            orderedNames.add(given.get(k));
            orderedShapes.add(named.get(given.get(k)));
            if (parameters != null) {
                orderedParameters.add(parameters.get(k));
            }
        }
        this.names = List.copyOf(orderedNames);
        this.shapes = List.copyOf(orderedShapes);
        this.parameters = parameters == null ? null : Collections.unmodifiableList(orderedParameters);
        this.splits = new long[names.size() - 1];
        long total = 0;
        for (int k = 0; k < shapes.size(); k++) {
            total += shapes.get(k).size();
            if (k < splits.length) {
                splits[k] = total;
            }
        }
        this.manager = parent.newSubManager();
        this.flat = manager.zeros(new Shape(total), DataType.FLOAT32);
        flat.setRequiresGradient(true);
        long offset = 0;
        for (int k = 0; k < names.size(); k++) {
            slots.put(names.get(k), slot(offset, shapes.get(k)));
            offset += shapes.get(k).size();
        }
    }

    /**
     * Takes over the trainable parameters of a network that is not initialised yet: each one's
     * initializer is wrapped so that initialisation writes its values into the flat buffer and
     * gives the parameter its slice as its array. Buffers (parameters without gradient) are left
     * alone. Call after seeding the initializers and before {@code initialize}; the buffer lives on
     * {@code parent}'s device.
     *
     * @throws IllegalStateException if a parameter is already initialised or has no shape yet
     */
    public static FlatWeights adopt(Map<String, Parameter> network, NDManager parent) {
        Map<String, Shape> named = new LinkedHashMap<>();
        List<Parameter> trainable = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : network.entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGradient()) {
                continue;
            }
            if (p.isInitialized() || p.getShape() == null) {
                throw new IllegalStateException("flat weights take over parameters before initialisation; "
                        + e.getKey() + (p.isInitialized() ? " is initialised" : " has no shape yet"));
            }
            named.put(e.getKey(), p.getShape());
            trainable.add(p);
        }
        FlatWeights w = new FlatWeights(named, trainable, parent);
        for (int k = 0; k < w.parameters.size(); k++) {
            Parameter p = w.parameters.get(k);
            p.setInitializer(new IntoSlot(p.getInitializer(), w.slots.get(w.names.get(k))));
        }
        return w;
    }

    /** Weights given by value (copied into a new flat buffer on {@code parent}'s device), for tools and tests. */
    public static FlatWeights of(Map<String, NDArray> values, NDManager parent) {
        Map<String, Shape> named = new LinkedHashMap<>();
        values.forEach((k, v) -> named.put(k, v.getShape()));
        FlatWeights w = new FlatWeights(named, null, parent);
        values.forEach((k, v) -> write(w.slots.get(k), v));
        return w;
    }

    /**
     * The buffer holds weights whose size is a multiple of 64 first, then those of a multiple of 8,
     * then the rest (each group in the network's order), so that every weight of the first two
     * groups starts at a multiple of 8 elements: 16 bytes in half precision, 32 in fp32. cuDNN runs
     * a 1 x 1 convolution on its fast matrix kernels only for an aligned filter; from a misaligned
     * view it falls back to generic ones (a 1 x 1 x 1 convolution 96 -> 192 on 8 x 96 x 32 x 64 x 64
     * in bf16 took 5.9 ms forward and backward instead of 0.86).
     */
    private static int alignmentClass(long size) {
        return size % 64 == 0 ? 0 : size % 8 == 0 ? 1 : 2;
    }

    private NDArray slot(long offset, Shape shape) {
        NDArray s;
        try (NDScope scope = new NDScope()) {
            s = flat.get(new NDIndex(offset + ":" + (offset + shape.size()))).reshape(shape).stopGradient();
            NDScope.unregister(s);
        }
        return s;
    }

    private static void write(NDArray slot, NDArray value) {
        try (NDScope scope = new NDScope()) {
            slot.set(new NDIndex("..."), value.getDevice().equals(slot.getDevice()) ? value
                    : value.toDevice(slot.getDevice(), false));
        }
    }

    /** Parameter names in buffer order (see {@link #alignmentClass}: not always the network's order). */
    public List<String> names() {
        return names;
    }

    /** The parameters taken over by {@link #adopt}, in buffer order (empty for {@link #of}). */
    public List<Parameter> parameters() {
        return parameters == null ? List.of() : parameters;
    }

    /** Each weight's live array (a view of the buffer; writes go through), by name. */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(slots);
    }

    /** The flat buffer (fp32, the autograd leaf). */
    public NDArray values() {
        return flat;
    }

    /** How many values the weights hold together. */
    public long size() {
        return flat.size();
    }

    /**
     * Every weight for one training pass, in buffer order and in {@code type}: a differentiable
     * cast of the buffer (none for fp32) split into views of the weights' shapes. Call while
     * gradients are being recorded; the arrays belong to the caller (close them after the
     * backward pass).
     */
    public NDList forTraining(DataType type) {
        return views(MixedPrecision.cast(flat, type));
    }

    /**
     * Every weight for a pass that trains another network through this one (the discriminator
     * judging the generator's output): as {@link #forTraining}, but cut from the autograd graph, so
     * that the backward pass computes no gradient for these weights. Gradients still flow through
     * them to the network's inputs.
     */
    public NDList frozenForPass(DataType type) {
        NDArray detached = flat.stopGradient();
        if (detached.getDataType() == type) {
            return views(detached);
        }
        NDArray compute = detached.toType(type, false);
        detached.close();
        return views(compute);
    }

    /** Views of {@code compute} (the buffer, or a copy of it the caller hands over) in the weights' shapes. */
    private NDList views(NDArray compute) {
        // (one weight: DJL's split hands back the array itself)
        NDList pieces = splits.length == 0 ? new NDList(compute) : compute.split(splits);
        NDList out = new NDList(pieces.size());
        for (int k = 0; k < pieces.size(); k++) {
            out.add(pieces.get(k).reshape(shapes.get(k)));
            if (pieces.get(k) != compute) {
                pieces.get(k).close();
            }
        }
        if (compute != flat) {
            compute.close();
        }
        return out;
    }

    /**
     * The accumulated gradient of the buffer (zeros if no backward pass has reached it yet): one
     * array; close it after use (the gradient itself stays).
     */
    public NDArray gradient() {
        return flat.getGradient();
    }

    /** Each weight's gradient as a view of the flat gradient, by name; close them after use. */
    public Map<String, NDArray> gradients() {
        NDArray g = gradient();
        Map<String, NDArray> out = new LinkedHashMap<>();
        long offset = 0;
        for (int k = 0; k < names.size(); k++) {
            long n = shapes.get(k).size();
            out.put(names.get(k), g.get(new NDIndex(offset + ":" + (offset + n))).reshape(shapes.get(k)));
            offset += n;
        }
        return out;
    }

    /** Sets the gradient to zero (one kernel; PyTorch accumulates gradients across backward passes). */
    public void zeroGradients() {
        try (NDScope scope = new NDScope()) {
            NDArray g = gradient();
            g.subi(g);
        }
    }

    /** Adds {@code other}'s gradient (another replica's, any device) into this one's, then zeroes {@code other}'s. */
    public void addGradientsOf(FlatWeights other) {
        try (NDScope scope = new NDScope()) {
            NDArray mine = gradient();
            NDArray theirs = other.gradient();
            mine.addi(theirs.getDevice().equals(mine.getDevice()) ? theirs : theirs.toDevice(mine.getDevice(), true));
            theirs.subi(theirs);
        }
    }

    /** Makes these weights equal to {@code other}'s (one copy; any device). */
    public void copyFrom(FlatWeights other) {
        if (other.size() != size() || !other.names.equals(names)) {
            throw new IllegalArgumentException("weights of another network");
        }
        try (NDScope scope = new NDScope()) {
            // through a detached alias: in-place writes to a leaf that requires gradients are refused
            // while the thread's gradient mode is on
            write(flat.stopGradient(), other.flat);
        }
    }

    /** Frees the buffer (the parameters' arrays with it). */
    @Override
    public void close() {
        manager.close();
    }

    /** Initialises a parameter by writing its initial values into its slice and handing the slice over. */
    private record IntoSlot(Initializer initial, NDArray slot) implements Initializer {

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            if (!shape.equals(slot.getShape()) || dataType != DataType.FLOAT32) {
                throw new IllegalStateException("a parameter of shape " + shape + " in " + dataType
                        + " initialised into an fp32 slice of " + slot.getShape());
            }
            try (NDArray v = initial.initialize(manager, shape, DataType.FLOAT32)) {
                write(slot, v);
            }
            return slot;
        }
    }
}
