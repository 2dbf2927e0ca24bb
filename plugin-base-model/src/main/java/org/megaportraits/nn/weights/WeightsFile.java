package org.megaportraits.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.megaportraits.sdk.ModelUnavailableException;

/**
 * Our weight file: named tensors, independent of DJL's positional format. Layout: the magic
 * {@code MPWT}, a format version (int32), the length of a UTF-8 JSON header (int64), the header
 * (a list of {name, dtype, shape}), then each tensor's raw little-endian data in header order. A
 * file is written to a temporary name and moved into place when complete.
 */
public final class WeightsFile {

    private static final byte[] MAGIC = {'M', 'P', 'W', 'T'};
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor of the file: where its data starts and what it is. */
    public record Entry(String name, DataType dataType, Shape shape, long offset) {
        long bytes() {
            return shape.size() * dataType.getNumOfBytes();
        }
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private WeightsFile(Path path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = entries;
    }

    /** The tensors of the file by name, in file order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Writes named arrays (any device, any type; stored in their own type).
     *
     * @return the SHA-256 of the file, lower-case hex
     */
    public static String write(Path file, Map<String, NDArray> arrays) throws IOException {
        List<Map<String, Object>> header = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("name", e.getKey());
            h.put("dtype", e.getValue().getDataType().name());
            h.put("shape", e.getValue().getShape().getShape());
            header.add(h);
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a name of its own, made with the folder's default permissions (a temporary file's are the
        // owner's only, and the weights would keep them)
        Path tmp = Files.createFile(dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            MessageDigest sha = Digests.sha256();
            try (OutputStream os = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                ByteBuffer prefix = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                prefix.put(MAGIC).putInt(VERSION).putLong(headerBytes.length);
                os.write(prefix.array());
                os.write(headerBytes);
                for (NDArray a : arrays.values()) {
                    ByteBuffer data = a.toDevice(ai.djl.Device.cpu(), false).toByteBuffer();
                    byte[] chunk = new byte[1 << 20];
                    // DJL hands out the bytes in native order: little-endian on every platform we ship for
                    while (data.hasRemaining()) {
                        int len = Math.min(chunk.length, data.remaining());
                        data.get(chunk, 0, len);
                        os.write(chunk, 0, len);
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Digests.hex(sha.digest());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a file's header.
     *
     * @throws ModelUnavailableException if the file is missing, truncated or not a weight file
     */
    public static WeightsFile open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            prefix.flip();
            byte[] magic = new byte[4];
            prefix.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw damaged(file, "it is not a MegaPortraits weight file", null);
            }
            int version = prefix.getInt();
            if (version != VERSION) {
                throw new ModelUnavailableException("weight file " + file + " has format version " + version
                        + ", this build reads version " + VERSION, "use a matching release of the SDK, or re-export the weights");
            }
            long headerLength = prefix.getLong();
            if (headerLength <= 0 || headerLength > ch.size() - 16) {
                throw damaged(file, "its header length is wrong", null);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 16);
            List<Map<String, Object>> list = JSON.readValue(new String(header.array(), StandardCharsets.UTF_8),
                    JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
            Map<String, Entry> entries = new LinkedHashMap<>();
            long offset = 16 + headerLength;
            for (Map<String, Object> h : list) {
                @SuppressWarnings("unchecked")
                List<Number> dims = (List<Number>) h.get("shape");
                long[] shape = dims.stream().mapToLong(Number::longValue).toArray();
                Entry e = new Entry((String) h.get("name"), DataType.valueOf((String) h.get("dtype")), new Shape(shape), offset);
                entries.put(e.name(), e);
                offset += e.bytes();
            }
            if (offset != ch.size()) {
                throw damaged(file, "its size " + ch.size() + " does not match its header (" + offset + " bytes)", null);
            }
            return new WeightsFile(file, entries);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModelUnavailableException("weight file " + file + " does not exist",
                    "check the model folder, or export the weights again", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelUnavailableException mue) {
                throw mue;
            }
            throw damaged(file, e.getMessage(), e);
        }
    }

    private static ModelUnavailableException damaged(Path file, String why, Throwable cause) {
        return new ModelUnavailableException("weight file " + file + " is damaged: " + why,
                "restore it from where the model came from", cause);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /**
     * Checks that the file holds exactly the parameters' names and shapes, then gives each
     * parameter its values: an initialised parameter is overwritten in place (keeping its device
     * and type); an uninitialised one gets them as its initializer, so that {@code initialize}
     * creates it from the file directly on the manager's device and in the requested type.
     *
     * @throws ModelUnavailableException naming every missing, unexpected and mis-shaped tensor
     */
    public void assignTo(Map<String, Parameter> parameters) {
        checkFits(parameters);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Entry entry = entries.get(e.getKey());
            Parameter p = e.getValue();
            if (p.isInitialized()) {
                NDArray target = p.getArray();
                try (NDManager scratch = target.getManager().newSubManager()) {
                    NDArray src = read(entry, scratch).toType(target.getDataType(), false);
                    boolean grad = target.hasGradient();
                    target.setRequiresGradient(false);
                    target.set(new NDIndex("..."), src);
                    if (grad) {
                        target.setRequiresGradient(true);
                    }
                }
            } else {
                p.setInitializer((manager, shape, type) -> {
                    NDArray raw = read(entry, manager);
                    if (raw.getDataType() == type) {
                        return raw;
                    }
                    NDArray cast = raw.toType(type, false);
                    raw.close();
                    return cast;
                });
            }
        }
    }

    /** Throws unless names and shapes match exactly. */
    public void checkFits(Map<String, Parameter> parameters) {
        List<String> missing = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Entry entry = entries.get(e.getKey());
            if (entry == null) {
                missing.add(e.getKey());
            } else if (!entry.shape().equals(e.getValue().getShape())) {
                shapes.add(e.getKey() + " is " + entry.shape() + " in the file, " + e.getValue().getShape() + " in the network");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : entries.keySet()) {
            if (!parameters.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty() && shapes.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("weight file " + path + " does not fit the network:");
        append(sb, "missing", missing);
        append(sb, "not in the network", unexpected);
        append(sb, "wrong shape", shapes);
        throw new ModelUnavailableException(sb.toString(),
                "the weights were saved for another architecture or preset: use the preset named in the model's "
                        + "descriptor, or export the weights again from the network you run");
    }

    private static void append(StringBuilder sb, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        int shown = Math.min(items.size(), 8);
        sb.append(' ').append(what).append(" (").append(items.size()).append("): ")
                .append(String.join(", ", items.subList(0, shown)));
        if (items.size() > shown) {
            sb.append(", ...");
        }
        sb.append(';');
    }

    /** One tensor from the file, in its stored type, on the manager's device. */
    public NDArray read(Entry entry, NDManager manager) {
        ByteBuffer data = ByteBuffer.allocateDirect(Math.toIntExact(entry.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            readFully(ch, data, entry.offset());
        } catch (IOException e) {
            throw damaged(path, "cannot read tensor " + entry.name() + ": " + e.getMessage(), e);
        }
        data.flip();
        // On the CPU, DJL's create(direct buffer) wraps the Java buffer without copying, and only the
        // returned array object keeps it alive: a view made of it (reshape, an optimizer's in-place
        // update through an alias) outlives that object, and once the GC frees the buffer the tensor
        // reads and writes freed memory. A copy in memory PyTorch owns has no such tie.
        try (NDArray wrapped = manager.create(data, entry.shape(), entry.dataType())) {
            NDArray owned = wrapped.duplicate();
            owned.attach(manager);
            return owned;
        }
    }
}
