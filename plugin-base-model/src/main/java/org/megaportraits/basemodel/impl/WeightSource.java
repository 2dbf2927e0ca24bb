package org.megaportraits.basemodel.impl;

import java.nio.file.Path;
import java.util.List;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.weights.ModelFolder;
import org.megaportraits.sdk.ModelDescriptor;

/** Where the base model's weights come from: a model folder, or a seeded random initialisation. */
abstract sealed class WeightSource {

    /** The architecture name in descriptors of this model. */
    static final String ARCHITECTURE = "megaportraits-base";
    /** Version of the model format this bundle writes and reads. */
    static final String VERSION = "0.1.0";

    /** The model's configuration. */
    abstract BaseModelConfig config();

    /** What the model is. */
    abstract ModelDescriptor descriptor();

    /** Gives every parameter of a freshly built generator its initial values (before initialize). */
    abstract void assign(BaseGenerator generator);

    /** Trained (or at least saved) weights from a model folder, checked on opening. */
    static final class Folder extends WeightSource {
        private final ModelFolder folder;
        private final BaseModelConfig config;

        Folder(Path dir) {
            this.folder = ModelFolder.open(dir, ARCHITECTURE);
            this.config = BaseModelConfig.fromJson(folder.descriptor().config());
            folder.weights().checkFits(NamedParameters.of(new BaseGenerator(config)));
        }

        @Override
        BaseModelConfig config() {
            return config;
        }

        @Override
        ModelDescriptor descriptor() {
            return folder.descriptor();
        }

        @Override
        void assign(BaseGenerator generator) {
            folder.weights().assignTo(NamedParameters.of(generator));
        }
    }

    /** A preset with random weights from a fixed seed: runs, but renders no face. */
    static final class Seeded extends WeightSource {
        private final BaseModelConfig config;
        private final long seed;

        Seeded(BaseModelConfig config, long seed) {
            this.config = config;
            this.seed = seed;
        }

        @Override
        BaseModelConfig config() {
            return config;
        }

        @Override
        ModelDescriptor descriptor() {
            return new ModelDescriptor("megaportraits-base-" + config.name() + "-untrained", VERSION, ARCHITECTURE,
                    config.toJson(), List.of(), config.imageSize(), false);
        }

        @Override
        void assign(BaseGenerator generator) {
            Init.seedAll(NamedParameters.of(generator), seed);
        }
    }
}
