package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.megaportraits.training.optim.FlatWeights;

/**
 * The parameter store of a replica. Between {@link #beginTraining} and {@link #endTraining},
 * training passes get each trainable weight as a view of its network's flat buffer cast once to
 * the compute type (see {@link FlatWeights#forTraining}); anything else (buffers, passes that do
 * not train) gets the parameter's own array, as from DJL's store.
 */
final class TrainingStore extends ParameterStore {

    private final Map<Parameter, NDArray> views = new IdentityHashMap<>();
    private final List<NDArray> owned = new ArrayList<>();

    TrainingStore(NDManager manager) {
        super(manager, false);
    }

    /**
     * Makes the weights of {@code trained} for training passes in {@code type}, replacing those of
     * an earlier call. Call while gradients are being recorded, before the forward pass.
     */
    void beginTraining(DataType type, FlatWeights trained) {
        views.clear();
        put(trained, trained.forTraining(type));
    }

    /**
     * As {@link #beginTraining(DataType, FlatWeights)}, with the weights of {@code frozen} too: a
     * network the pass goes through without training it (the discriminator in the generator's pass),
     * whose weights then get no gradient.
     */
    void beginTraining(DataType type, FlatWeights trained, FlatWeights frozen) {
        beginTraining(type, trained);
        put(frozen, frozen.frozenForPass(type));
    }

    private void put(FlatWeights w, NDList v) {
        List<Parameter> params = w.parameters();
        for (int k = 0; k < params.size(); k++) {
            views.put(params.get(k), v.get(k));
        }
        owned.addAll(v);
    }

    /** Frees the views of every {@link #beginTraining} since the last call (after the backward passes). */
    void endTraining() {
        views.clear();
        owned.forEach(NDArray::close);
        owned.clear();
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (training && parameter != null) {
            NDArray v = views.get(parameter);
            if (v != null) {
                if (!v.getDevice().equals(device)) {
                    throw new IllegalStateException(parameter.getName() + " is trained on " + v.getDevice()
                            + ", asked for on " + device);
                }
                return v;
            }
        }
        return super.getValue(parameter, device, training);
    }
}
