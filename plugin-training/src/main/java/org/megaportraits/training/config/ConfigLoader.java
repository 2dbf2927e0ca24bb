package org.megaportraits.training.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.megaportraits.sdk.InvalidInputException;

/**
 * Reads a run's configuration: the bundle's defaults with the user's JSON merged over them
 * (objects field by field, everything else replaced). Unknown fields are errors, so a misspelt
 * loss weight does not silently fall back to its default.
 */
public final class ConfigLoader {

    private static final String DEFAULTS = "stage1-defaults.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {
    }

    /** The defaults alone. */
    public static JsonNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundle's " + DEFAULTS + " is unreadable", e);
        }
    }

    /**
     * The configuration of a file (null: the defaults).
     *
     * @throws InvalidInputException if the file is missing, not JSON, or has wrong fields or values
     */
    public static Stage1Config load(Path file) {
        JsonNode user = null;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("configuration " + file + " does not exist",
                        "pass a JSON file (fields you leave out take the defaults)");
            }
            try {
                user = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new InvalidInputException("configuration " + file + " is not valid JSON: " + e.getMessage(),
                        "fix the JSON syntax", e);
            }
        }
        return parse(user, String.valueOf(file));
    }

    /** The configuration of a JSON tree merged over the defaults ({@code source} names it in errors). */
    public static Stage1Config parse(JsonNode user, String source) {
        JsonNode merged = defaults();
        if (user != null) {
            merged = merge(merged.deepCopy(), user);
        }
        try {
            return JSON.treeToValue(merged, Stage1Config.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String why = root instanceof IllegalArgumentException ? root.getMessage() : message(e);
            throw new InvalidInputException("configuration " + source + " is wrong: " + why,
                    "compare it with the defaults (" + DEFAULTS + ", printed by the training tool's `defaults` command)", e);
        }
    }

    /** The configuration as JSON (for the run folder's copy). */
    public static JsonNode toJson(Stage1Config c) {
        return JSON.valueToTree(c);
    }

    private static String message(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode b) || !over.isObject()) {
            return over;
        }
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = b.get(e.getKey());
            b.set(e.getKey(), existing == null ? e.getValue() : merge(existing, e.getValue()));
        }
        return b;
    }
}
