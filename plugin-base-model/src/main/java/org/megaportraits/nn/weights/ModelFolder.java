package org.megaportraits.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.WeightFile;

/**
 * A model on disk: a folder with {@code descriptor.json} (the SDK's {@link ModelDescriptor}: name,
 * architecture, configuration, weight files with their SHA-256, resolution, trained flag) and the
 * weight files it names, in our {@link WeightsFile} format. Opening checks the architecture and
 * every checksum before anything is loaded.
 */
public final class ModelFolder {

    /** File name of the descriptor inside a model folder. */
    public static final String DESCRIPTOR = "descriptor.json";
    /** File name of the weights inside a model folder written by {@link #write}. */
    public static final String WEIGHTS = "weights.mpwt";

    private final ModelDescriptor descriptor;
    private final WeightsFile weights;

    private ModelFolder(ModelDescriptor descriptor, WeightsFile weights) {
        this.descriptor = descriptor;
        this.weights = weights;
    }

    /** The model's descriptor. */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** The model's (single) weight file. */
    public WeightsFile weights() {
        return weights;
    }

    /**
     * Opens a model folder, checking its architecture and the SHA-256 of its weight file.
     *
     * @throws ModelUnavailableException saying what is missing, damaged or of another architecture
     */
    public static ModelFolder open(Path dir, String architecture) {
        if (!Files.isDirectory(dir)) {
            throw new ModelUnavailableException("model folder " + dir + " does not exist",
                    "point the model folder setting at a folder with " + DESCRIPTOR + " and its weights, or remove "
                            + "the setting to run with untrained weights");
        }
        ModelDescriptor d = ModelDescriptor.read(dir.resolve(DESCRIPTOR));
        if (!architecture.equals(d.architecture())) {
            throw new ModelUnavailableException("model in " + dir + " is a '" + d.architecture() + "', not a '"
                    + architecture + "'", "install the model in the plugin that runs its architecture");
        }
        if (d.weights().size() != 1) {
            throw new ModelUnavailableException("model in " + dir + " lists " + d.weights().size()
                    + " weight files, a " + architecture + " has exactly one", "fix the descriptor's weights list");
        }
        WeightFile wf = d.weights().get(0);
        Path file = dir.resolve(wf.path()).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new ModelUnavailableException("weight file '" + wf.path() + "' lies outside the model folder " + dir,
                    "name weight files relative to the model folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelUnavailableException("weight file " + file + " named by " + dir.resolve(DESCRIPTOR)
                    + " does not exist", "copy the weight file into the model folder");
        }
        String actual;
        try {
            actual = Digests.sha256(file);
        } catch (IOException e) {
            throw new ModelUnavailableException("weight file " + file + " cannot be read: " + e.getMessage(),
                    "check the file's permissions and the disk", e);
        }
        if (wf.sha256() == null || !wf.sha256().equalsIgnoreCase(actual)) {
            throw new ModelUnavailableException("weight file " + file + " is damaged or was replaced: its SHA-256 is "
                    + actual + ", the descriptor expects " + wf.sha256(),
                    "restore the weight file (or the descriptor) from where the model came from");
        }
        return new ModelFolder(d, WeightsFile.open(file));
    }

    /**
     * Writes a model folder: the weights of {@code parameters} (their current values) and a
     * descriptor pointing at them with their checksum. The descriptor is written last, so a
     * folder with a descriptor is complete.
     */
    public static ModelDescriptor write(Path dir, String name, String version, String architecture, JsonNode config,
            int resolution, boolean trained, Map<String, Parameter> parameters) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            arrays.put(e.getKey(), e.getValue().getArray());
        }
        String sha = WeightsFile.write(dir.resolve(WEIGHTS), arrays);
        ModelDescriptor d = new ModelDescriptor(name, version, architecture, config,
                List.of(new WeightFile(WEIGHTS, sha)), resolution, trained);
        d.write(dir.resolve(DESCRIPTOR));
        return d;
    }
}
