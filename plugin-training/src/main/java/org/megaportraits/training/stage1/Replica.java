package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.training.checkpoint.ParameterValues;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.discriminator.MultiScaleDiscriminator;

/**
 * Generator, discriminator and loss networks on one device. Weights are initialised from the run's
 * seed by parameter name, so every replica starts equal whatever its device.
 */
final class Replica implements AutoCloseable {

    final Device device;
    final NDManager manager;
    final BaseGenerator generator;
    final MultiScaleDiscriminator discriminator;
    final ParameterStore store;
    final Map<String, Parameter> generatorParameters;
    final Map<String, Parameter> discriminatorParameters;
    final LossNetworks losses;

    private Replica(Device device, NDManager manager, BaseGenerator generator, MultiScaleDiscriminator discriminator,
                    LossNetworks losses) {
        this.device = device;
        this.manager = manager;
        this.generator = generator;
        this.discriminator = discriminator;
        this.store = new ParameterStore(manager, false);
        this.generatorParameters = NamedParameters.of(generator);
        this.discriminatorParameters = NamedParameters.of(discriminator);
        this.losses = losses;
    }

    /** Builds and initialises the networks of a run on a device. */
    static Replica create(BaseModelConfig model, Stage1Config cfg, Device device, NDManager root, boolean announce) {
        NDManager m = root.newSubManager(device);
        try {
            BaseGenerator g = new BaseGenerator(model);
            Stage1Config.Discriminator dc = cfg.discriminator();
            MultiScaleDiscriminator d = new MultiScaleDiscriminator(dc.scales(), dc.width(), dc.blocks());
            Init.seedAll(NamedParameters.of(g), cfg.seed());
            Init.seedAll(NamedParameters.of(d), cfg.seed() + 1);
            g.initialize(m, DataType.FLOAT32);
            d.initialize(m, DataType.FLOAT32);
            return new Replica(device, m, g, d, LossNetworks.load(cfg, device, m, announce));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The arrays of the trainable parameters (buffers excluded), by name. */
    static Map<String, NDArray> trainable(Map<String, Parameter> params) {
        return ParameterValues.trainable(params);
    }

    /** The arrays of every parameter and buffer, by name. */
    static Map<String, NDArray> arrays(Map<String, Parameter> params) {
        return ParameterValues.arrays(params);
    }

    /** Overwrites every parameter and buffer named in {@code values}. */
    static void assign(Map<String, Parameter> params, Map<String, NDArray> values, String what) {
        ParameterValues.assign(params, values, what);
    }

    /** Makes this replica's weights and buffers equal to the master's. */
    void copyFrom(Replica master) {
        assign(generatorParameters, arrays(master.generatorParameters), "master generator");
        assign(discriminatorParameters, arrays(master.discriminatorParameters), "master discriminator");
    }

    /** Adds this replica's gradients of {@code own} into the same-named weights of {@code master}, then zeroes its own. */
    static void addGradients(Map<String, NDArray> own, Map<String, NDArray> master) {
        for (Map.Entry<String, NDArray> e : own.entrySet()) {
            try (NDScope scope = new NDScope()) {
                NDArray g = e.getValue().getGradient();
                NDArray target = master.get(e.getKey()).getGradient();
                target.addi(g.getDevice().equals(target.getDevice()) ? g : g.toDevice(target.getDevice(), true));
                g.subi(g);
            }
        }
    }

    @Override
    public void close() {
        losses.close();
        manager.close();
    }
}
