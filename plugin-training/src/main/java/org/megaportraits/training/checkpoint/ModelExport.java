package org.megaportraits.training.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.weights.ModelFolder;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelDescriptor;

/**
 * Turns a stage-1 checkpoint into a model folder the base-model bundle's ReenactmentModel service
 * loads (descriptor.json + weights with their SHA-256): the generator's parameters and buffers
 * only; discriminator and optimizer state stay behind.
 */
public final class ModelExport {

    /** The architecture name the base-model bundle expects in its descriptors. */
    public static final String ARCHITECTURE = "megaportraits-base";

    private ModelExport() {
    }

    /**
     * Exports a run folder's newest checkpoint (or a checkpoint folder) into {@code out}.
     *
     * @throws InvalidInputException if there is no checkpoint or {@code out} already holds a model
     */
    public static ModelDescriptor export(Path checkpoint, Path out, String name) {
        Optional<Path> latest = Files.isDirectory(checkpoint)
                ? new CheckpointStore(checkpoint, Integer.MAX_VALUE).latest() : Optional.empty();
        Path dir = latest.orElse(checkpoint);
        if (Files.exists(out.resolve(ModelFolder.DESCRIPTOR))) {
            throw new InvalidInputException(out + " already holds a model", "export into a new folder");
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            Checkpoint c = CheckpointStore.load(dir, m);
            BaseModelConfig model = BaseModelConfig.fromJson(c.state().path("model"));
            BaseGenerator g = new BaseGenerator(model);
            g.initialize(m, DataType.FLOAT32);
            Map<String, Parameter> params = NamedParameters.of(g);
            ParameterValues.assign(params, c.tensors().get("generator"), "checkpoint " + dir);
            Files.createDirectories(out);
            return ModelFolder.write(out, name, "step-" + c.step(), ARCHITECTURE, model.toJson(), model.imageSize(), true,
                    params);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model folder " + out, e);
        }
    }
}
