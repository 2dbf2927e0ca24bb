package org.megaportraits.face.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.megaportraits.sdk.ModelUnavailableException;

/**
 * The named tensors of a TensorFlow.js weight manifest: a JSON list of groups, each naming its
 * binary shards and the tensors stored in them back to back (shape, dtype and an optional
 * quantisation). Quantised tensors ({@code uint8}/{@code uint16} with {@code scale} and {@code min},
 * or {@code float16}) are expanded to floats here; {@code int32} tensors are kept as floats too.
 */
public final class TfjsWeights {

    /** One tensor: its TensorFlow shape (channels last) and values in row-major order. */
    public record Tensor(String name, long[] shape, float[] values) {

        /** Number of elements the shape holds. */
        public static long count(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path manifest;
    private final Map<String, Tensor> tensors;

    private TfjsWeights(Path manifest, Map<String, Tensor> tensors) {
        this.manifest = manifest;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Reads a manifest and its shards.
     *
     * @param shardCheck gets each shard's path before it is read and returns it (may throw if the
     *                   shard is missing or damaged)
     * @throws ModelUnavailableException if a file is missing, or sizes do not add up
     */
    public static TfjsWeights read(Path manifest, UnaryOperator<Path> shardCheck) {
        if (!Files.isRegularFile(manifest)) {
            throw missing(manifest, null);
        }
        JsonNode groups;
        try {
            groups = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw damaged(manifest, "not a readable JSON manifest: " + e.getMessage(), e);
        }
        if (!groups.isArray() || groups.isEmpty()) {
            throw damaged(manifest, "no weight groups in the manifest", null);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (JsonNode group : groups) {
            ByteBuffer data = readShards(manifest, group.path("paths"), shardCheck);
            for (JsonNode w : group.path("weights")) {
                Tensor t = decode(manifest, w, data);
                out.put(t.name(), t);
            }
            if (data.hasRemaining()) {
                throw damaged(manifest, data.remaining() + " bytes left over after the last tensor", null);
            }
        }
        return new TfjsWeights(manifest, out);
    }

    private static ByteBuffer readShards(Path manifest, JsonNode paths, UnaryOperator<Path> shardCheck) {
        try {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (JsonNode p : paths) {
                Path shard = shardCheck.apply(manifest.resolveSibling(p.asText()));
                all.write(Files.readAllBytes(shard));
            }
            return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw missing(manifest.resolveSibling(e.getFile()), e);
        } catch (IOException e) {
            throw damaged(manifest, "cannot read a shard: " + e.getMessage(), e);
        }
    }

    private static Tensor decode(Path manifest, JsonNode w, ByteBuffer data) {
        String name = w.path("name").asText();
        JsonNode shapeNode = w.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        int n = Math.toIntExact(Tensor.count(shape));
        String dtype = w.path("dtype").asText();
        JsonNode q = w.get("quantization");
        float[] values = new float[n];
        String stored = q == null ? dtype : q.path("dtype").asText();
        int bytes = switch (stored) {
            case "uint8" -> 1;
            case "uint16", "float16" -> 2;
            case "float32", "int32" -> 4;
            default -> throw damaged(manifest, "tensor " + name + " has unsupported storage type " + stored, null);
        };
        if (data.remaining() < (long) n * bytes) {
            throw damaged(manifest, "shard ends inside tensor " + name, null);
        }
        double scale = q == null ? 1 : q.path("scale").asDouble(1);
        double min = q == null ? 0 : q.path("min").asDouble(0);
        for (int i = 0; i < n; i++) {
            values[i] = switch (stored) {
                case "uint8" -> (float) ((data.get() & 0xff) * scale + min);
                case "uint16" -> (float) ((data.getShort() & 0xffff) * scale + min);
                case "float16" -> halfToFloat(data.getShort());
                case "int32" -> data.getInt();
                default -> data.getFloat();
            };
        }
        return new Tensor(name, shape, values);
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp + 112) << 23) | (mant << 13));
        }
        return sign == 1 ? -v : v;
    }

    /** The tensor of a name. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw damaged(manifest, "no tensor named " + name, null);
        }
        return t;
    }

    /** The tensor names, in file order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The manifest the tensors came from. */
    public Path manifest() {
        return manifest;
    }

    private static ModelUnavailableException missing(Path file, Exception cause) {
        return new ModelUnavailableException("face network file " + file + " is missing",
                "run " + FaceApiPackage.FETCH_COMMAND, cause);
    }

    static ModelUnavailableException damaged(Path manifest, String what, Exception cause) {
        return new ModelUnavailableException("face network weights " + manifest + " are damaged: " + what,
                "delete the package folder and run " + FaceApiPackage.FETCH_COMMAND, cause);
    }
}
