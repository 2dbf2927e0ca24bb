package org.megaportraits.basemodel.impl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.nn.layer.Networks;
import org.megaportraits.nn.tensor.Devices;

/**
 * The generator's weights on one device in one precision, shared by the sessions opened there and
 * counted: the component holds one reference while active, each session one while open, and the
 * memory is freed with the last reference. So a session keeps its model alive across a bundle
 * stop or update.
 */
final class LoadedModel {

    private final NDManager manager;
    private final BaseGenerator generator;
    private final ParameterStore store;
    private final DataType dataType;
    private int references = 1;

    LoadedModel(WeightSource source, Device device, DataType dataType) {
        this.dataType = dataType;
        this.manager = NDManager.newBaseManager(device, Devices.ENGINE);
        try {
            generator = new BaseGenerator(source.config());
            source.assign(generator);
            generator.initialize(manager, dataType);
            Networks.prepareInference(generator);
            store = new ParameterStore(manager, false);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    BaseGenerator generator() {
        return generator;
    }

    ParameterStore store() {
        return store;
    }

    DataType dataType() {
        return dataType;
    }

    /** Another user of the weights. */
    synchronized LoadedModel retain() {
        if (references == 0) {
            throw new IllegalStateException("model already freed");
        }
        references++;
        return this;
    }

    /** One user fewer; frees the weights when none is left. */
    synchronized void release() {
        if (references > 0 && --references == 0) {
            manager.close();
        }
    }

    synchronized boolean isFreed() {
        return references == 0;
    }
}
