package org.megaportraits.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.megaportraits.nn.weights.WeightsFile;
import org.megaportraits.sdk.InvalidInputException;

/**
 * The checkpoints of a run folder: {@code checkpoints/step-00001000/} holding
 * {@code tensors.mpwt} (our named weights format; tensor {@code group/name}) and
 * {@code state.json}. A checkpoint is written into a {@code .partial} folder and renamed when
 * complete, so a crash mid-write never leaves a checkpoint that looks whole. The newest
 * {@code keep} checkpoints are kept.
 */
public final class CheckpointStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "step-";
    private static final String TENSORS = "tensors.mpwt";
    private static final String STATE = "state.json";
    private static final int FORMAT = 1;

    private final Path folder;
    private final int keep;

    /** The checkpoints under {@code runDir/checkpoints}, keeping the newest {@code keep}. */
    public CheckpointStore(Path runDir, int keep) {
        this.folder = runDir.resolve("checkpoints");
        this.keep = Math.max(1, keep);
    }

    /** The checkpoint folder. */
    public Path folder() {
        return folder;
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .filter(p -> Files.exists(p.resolve(STATE)) && Files.exists(p.resolve(TENSORS)))
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static long stepOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring(PREFIX.length()));
    }

    /** Writes a checkpoint and prunes old ones; returns its folder. */
    public Path save(Checkpoint c) {
        Path target = folder.resolve(String.format("%s%08d", PREFIX, c.step()));
        Path partial = folder.resolve(target.getFileName() + ".partial");
        try {
            deleteTree(partial);
            Files.createDirectories(partial);
            Map<String, NDArray> flat = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, NDArray>> g : c.tensors().entrySet()) {
                for (Map.Entry<String, NDArray> t : g.getValue().entrySet()) {
                    flat.put(g.getKey() + "/" + t.getKey(), t.getValue());
                }
            }
            String digest = WeightsFile.write(partial.resolve(TENSORS), flat);
            ObjectNode state = JSON.createObjectNode();
            state.put("format", FORMAT);
            state.put("step", c.step());
            state.put("tensorsSha256", digest);
            state.set("state", c.state());
            Files.writeString(partial.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
            deleteTree(target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
        prune();
        return target;
    }

    private void prune() {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                deleteTree(all.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete old checkpoint " + all.get(i), e);
            }
        }
    }

    /**
     * Reads a checkpoint folder; tensors are created on {@code manager} (CPU or the device they will
     * be copied to).
     *
     * @throws InvalidInputException if the folder is not a complete checkpoint of this format
     */
    public static Checkpoint load(Path dir, NDManager manager) {
        Path statePath = dir.resolve(STATE);
        if (!Files.exists(statePath) || !Files.exists(dir.resolve(TENSORS))) {
            throw new InvalidInputException(dir + " is not a complete checkpoint (it needs " + STATE + " and " + TENSORS + ")",
                    "pass a run folder or one of its checkpoints/step-N folders");
        }
        JsonNode root;
        try {
            root = JSON.readTree(statePath.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint state " + statePath + " is unreadable: " + e.getMessage(),
                    "resume from an older checkpoint (delete this folder)", e);
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new InvalidInputException("checkpoint " + dir + " has format " + root.path("format").asInt()
                    + ", this build reads " + FORMAT, "resume it with the SDK version that wrote it");
        }
        WeightsFile file = WeightsFile.open(dir.resolve(TENSORS));
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        for (WeightsFile.Entry e : file.entries().values()) {
            int slash = e.name().indexOf('/');
            String group = e.name().substring(0, slash);
            groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(e.name().substring(slash + 1), file.read(e, manager));
        }
        return new Checkpoint(root.path("step").asLong(), groups, root.path("state"));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(p)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }
}
