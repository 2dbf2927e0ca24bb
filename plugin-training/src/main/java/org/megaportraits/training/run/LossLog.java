package org.megaportraits.training.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run's loss log, one JSON object per logged step ({@code {"step": 10, "time": ..., "g_total":
 * ..., ...}}) appended to {@code losses.jsonl}. On resume the lines past the checkpoint's step are
 * dropped, so the log of a stopped and resumed run reads as one straight run.
 */
public final class LossLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;

    /** Opens the log of a run, keeping only the lines of steps up to {@code resumeStep}. */
    public LossLog(Path file, long resumeStep) {
        this.file = file;
        try {
            List<String> keep = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && JSON.readTree(line).path("step").asLong() <= resumeStep) {
                        keep.add(line);
                    }
                }
            }
            Files.createDirectories(file.getParent());
            Files.write(file, keep, StandardCharsets.UTF_8);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open loss log " + file, e);
        }
    }

    /** Appends one record. */
    public void append(long step, double seconds, Map<String, Double> values) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step);
        n.put("time", seconds);
        values.forEach(n::put);
        try {
            out.write(JSON.writeValueAsString(n));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Reads a loss log: per key, the (step, value) series. */
    public static Map<String, List<double[]>> read(Path file) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                long step = n.path("step").asLong();
                n.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("step") && !e.getKey().equals("time") && e.getValue().isNumber()) {
                        series.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(new double[] {step, e.getValue().asDouble()});
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read loss log " + file, e);
        }
        return series;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
