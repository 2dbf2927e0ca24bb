package org.megaportraits.nn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The benchmark results file: a markdown table with one row per measured figure (date, device,
 * precision, batch, what, value, unit). Benchmarks print every row and append it to the file named
 * by the system property {@value #PROPERTY}; without the property they only print.
 */
public final class ResultsTable {

    /** System property naming the results file. */
    public static final String PROPERTY = "portraits.bench.results";

    private static final String HEADER = "| date | device | precision | batch | benchmark | figure | value | unit |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- |\n";

    private final Path file;
    private final String device;

    /**
     * A table for one benchmark run on one device.
     *
     * @param device the device in words, e.g. {@code NVIDIA H100 80GB HBM3} or {@code cpu (2 cores)}
     */
    public ResultsTable(String device) {
        String p = System.getProperty(PROPERTY);
        this.file = p == null || p.isBlank() ? null : Path.of(p);
        this.device = device;
    }

    /** Prints one figure and appends it to the results file, if any. */
    public void add(String benchmark, String precision, int batch, String figure, double value, String unit) {
        String v = Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.3g", value);
        String row = "| " + LocalDate.now() + " | " + device + " | " + precision + " | " + (batch > 0 ? batch : "-")
                + " | " + benchmark + " | " + figure + " | " + v + " | " + unit + " |\n";
        System.out.print(row);
        if (file == null) {
            return;
        }
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, "# Benchmark results\n\nAppended by the benchmarks (see README.md, Benchmarks).\n\n"
                        + HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not append to " + file + ": " + e.getMessage());
        }
    }
}
