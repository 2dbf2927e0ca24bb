package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.training.checkpoint.ParameterValues;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.discriminator.MultiScaleDiscriminator;
import org.megaportraits.training.optim.FlatWeights;

/**
 * Generator, discriminator and loss networks on one device. Weights are initialised from the run's
 * seed by parameter name, so every replica starts equal whatever its device. Each network's
 * trainable weights live in one flat buffer ({@link FlatWeights}) that the store hands to training
 * passes in the compute type.
 */
final class Replica implements AutoCloseable {

    final Device device;
    final NDManager manager;
    final BaseGenerator generator;
    final MultiScaleDiscriminator discriminator;
    final TrainingStore store;
    final Map<String, Parameter> generatorParameters;
    final Map<String, Parameter> discriminatorParameters;
    final FlatWeights generatorWeights;
    final FlatWeights discriminatorWeights;
    final LossNetworks losses;

    private Replica(Device device, NDManager manager, BaseGenerator generator, MultiScaleDiscriminator discriminator,
                    FlatWeights generatorWeights, FlatWeights discriminatorWeights, LossNetworks losses) {
        this.device = device;
        this.manager = manager;
        this.generator = generator;
        this.discriminator = discriminator;
        this.store = new TrainingStore(manager);
        this.generatorParameters = NamedParameters.of(generator);
        this.discriminatorParameters = NamedParameters.of(discriminator);
        this.generatorWeights = generatorWeights;
        this.discriminatorWeights = discriminatorWeights;
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
            FlatWeights gw = FlatWeights.adopt(NamedParameters.of(g), m);
            FlatWeights dw = FlatWeights.adopt(NamedParameters.of(d), m);
            g.initialize(m, DataType.FLOAT32);
            d.initialize(m, DataType.FLOAT32);
            return new Replica(device, m, g, d, gw, dw, LossNetworks.load(cfg, device, m, announce));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The arrays of every parameter and buffer, by name. */
    static Map<String, NDArray> arrays(Map<String, Parameter> params) {
        return ParameterValues.arrays(params);
    }

    /** Overwrites every parameter and buffer named in {@code values}. */
    static void assign(Map<String, Parameter> params, Map<String, NDArray> values, String what) {
        ParameterValues.assign(params, values, what);
    }

    /** Makes this replica's weights and buffers equal to the master's (one copy per network's weights). */
    void copyFrom(Replica master) {
        generatorWeights.copyFrom(master.generatorWeights);
        discriminatorWeights.copyFrom(master.discriminatorWeights);
        Map<String, Parameter> gb = buffers(generatorParameters);
        Map<String, Parameter> db = buffers(discriminatorParameters);
        assign(gb, arrays(buffers(master.generatorParameters)), "master generator");
        assign(db, arrays(buffers(master.discriminatorParameters)), "master discriminator");
    }

    /** The buffers (parameters without gradient, e.g. spectral-norm vectors), by name. */
    private static Map<String, Parameter> buffers(Map<String, Parameter> params) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            if (!p.requiresGradient()) {
                out.put(k, p);
            }
        });
        return out;
    }

    @Override
    public void close() {
        store.endTraining();
        losses.close();
        manager.close();
    }
}
