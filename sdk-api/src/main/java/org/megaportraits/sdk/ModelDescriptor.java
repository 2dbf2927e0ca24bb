package org.megaportraits.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a model is, as a JSON file beside its weights: name, version, architecture and its
 * configuration (the preset), the weight files with their SHA-256, the output resolution, and
 * whether the weights are trained.
 */
@Api(Api.Status.STABLE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDescriptor(
        String name,
        String version,
        String architecture,
        JsonNode config,
        List<WeightFile> weights,
        int resolution,
        boolean trained) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the weight list so the record stays immutable. */
    public ModelDescriptor {
        weights = weights == null ? List.of() : List.copyOf(weights);
    }

    /**
     * Reads a descriptor.
     *
     * @throws ModelUnavailableException if the file is missing or is not a descriptor
     */
    public static ModelDescriptor read(Path file) {
        try {
            ModelDescriptor d = JSON.readValue(Files.readAllBytes(file), ModelDescriptor.class);
            if (d.name() == null || d.architecture() == null) {
                throw new ModelUnavailableException("model descriptor " + file + " has no name or architecture",
                        "write a descriptor with at least name, version, architecture and weights");
            }
            return d;
        } catch (NoSuchFileException e) {
            throw new ModelUnavailableException("model descriptor " + file + " does not exist",
                    "check the path, or train or export a model first", e);
        } catch (IOException e) {
            throw new ModelUnavailableException("model descriptor " + file + " cannot be read: " + e.getMessage(),
                    "the file is damaged: restore it from where the model came from", e);
        }
    }

    /** Writes this descriptor as indented JSON, replacing the file atomically. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
