package org.megaportraits.nn.layer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.IdentityHashMap;
import java.util.Map;
import org.megaportraits.nn.tensor.MixedPrecision;

/**
 * Base of every block of our networks. Parameters are declared with their full shape when the
 * block is built (the configuration fixes every shape, no inference from inputs), so a network
 * can be counted, named, saved and loaded before it ever runs.
 *
 * <p>Each forward pass runs in its own {@link NDScope}: the block's intermediate arrays are closed
 * when it returns, only its outputs survive. Autograd keeps what backward needs on its own, so
 * this holds in training too, and it bounds inference memory to about one block's activations.
 */
public abstract class NetworkBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    protected NetworkBlock() {
        super(VERSION);
    }

    /** Declares a trainable parameter of a fixed shape. */
    protected final Parameter parameter(String name, Shape shape, Initializer initializer) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER)
                .optShape(shape).optInitializer(initializer).build());
    }

    /** Declares a state tensor that is saved with the weights but never trained (no gradient). */
    protected final Parameter buffer(String name, Shape shape, Initializer initializer) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.RUNNING_MEAN)
                .optShape(shape).optInitializer(initializer).optRequiresGrad(false).build());
    }

    /** Adds a child under a name of its own (the name becomes part of its parameters' names). */
    protected final <B extends Block> B child(String name, B block) {
        return addChildBlock(name, block);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> c : getChildren()) {
            c.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    /** Shapes come from the configuration, not from the input: this block does no shape inference. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not infer output shapes: its parameter shapes are fixed by its configuration");
    }

    @Override
    protected final NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out;
        try (NDScope scope = new NDScope()) {
            out = run(store, inputs, training);
            NDScope.unregister(out);
        }
        // hand fresh outputs to the caller's scope (if any) so that they are freed there; an input
        // passed through unchanged still belongs to whoever made it
        Map<NDArray, Boolean> passedIn = new IdentityHashMap<>();
        inputs.forEach(a -> passedIn.put(a, Boolean.TRUE));
        for (NDArray a : out) {
            if (!passedIn.containsKey(a)) {
                NDScope.register(a);
            }
        }
        return out;
    }

    /** Hook for {@link Networks#prepareInference}: precompute what inference passes reuse. */
    protected void prepareInference() {
        // most blocks have nothing to precompute
    }

    /** The block's computation; arrays it creates and does not return are freed afterwards. */
    protected abstract NDList run(ParameterStore store, NDList inputs, boolean training);

    /**
     * The value of a parameter on a device, as the store provides it (a copy per device in
     * multi-device training). Never closed by this block's scope: the store owns it.
     */
    protected static NDArray value(ParameterStore store, Parameter parameter, Device device, boolean training) {
        NDArray a = store.getValue(parameter, device, training);
        NDScope.unregister(a);
        return a;
    }

    /**
     * The value of a parameter for activations {@code like}: on their device and in their floating
     * type (mixed precision casts fp32 weights to the compute type here, see {@link MixedPrecision}).
     */
    protected static NDArray valueFor(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        return MixedPrecision.asTypeOf(value(store, parameter, like.getDevice(), training), like);
    }

    /** Runs a child block on one array and returns its single output. */
    protected static NDArray apply(Block block, ParameterStore store, NDArray x, boolean training) {
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }

    /** Runs a child block on several arrays and returns its first output. */
    protected static NDArray apply(Block block, ParameterStore store, boolean training, NDArray... xs) {
        return block.forward(store, new NDList(xs), training).head();
    }
}
