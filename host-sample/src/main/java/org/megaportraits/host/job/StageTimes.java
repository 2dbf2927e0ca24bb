package org.megaportraits.host.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per named stage, summed over a job's batches, in the order stages first ran; and the
 * same sums without the first batch (which pays for start-up: first kernels, algorithm choices).
 */
final class StageTimes {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> steadyNanos = new LinkedHashMap<>();
    /** Each stage's first run: start and end, in nanoseconds after {@link #origin}. */
    private final Map<String, long[]> firstRuns = new LinkedHashMap<>();
    private final long origin;

    /** @param origin the job's start ({@link System#nanoTime()}), from which first runs are counted */
    StageTimes(long origin) {
        this.origin = origin;
    }

    /**
     * Adds the time since {@code since} to a stage outside the batches (start-up, say: not in the
     * steady sums) and returns now, the next stage's start.
     */
    synchronized long add(String stage, long since) {
        return add(stage, since, true);
    }

    /**
     * Adds the time since {@code since} to a stage, also to its steady sum unless the batch is the
     * job's first, and returns now.
     */
    synchronized long add(String stage, long since, boolean firstBatch) {
        long now = System.nanoTime();
        nanos.merge(stage, now - since, Long::sum);
        firstRuns.putIfAbsent(stage, new long[] {since - origin, now - origin});
        if (!firstBatch) {
            steadyNanos.merge(stage, now - since, Long::sum);
        }
        return now;
    }

    /** Seconds per stage. */
    synchronized Map<String, Double> seconds() {
        return toSeconds(nanos);
    }

    /** When each stage first ran: start and end in seconds after the origin, in order of start. */
    synchronized Map<String, double[]> firstRuns() {
        Map<String, double[]> out = new LinkedHashMap<>();
        firstRuns.entrySet().stream().sorted((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0]))
                .forEach(e -> out.put(e.getKey(), new double[] {e.getValue()[0] / 1e9, e.getValue()[1] / 1e9}));
        return Collections.unmodifiableMap(out);
    }

    /** Seconds per stage over every batch but the first (stages outside batches not included). */
    synchronized Map<String, Double> steadySeconds() {
        return toSeconds(steadyNanos);
    }

    private static Map<String, Double> toSeconds(Map<String, Long> sums) {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v / 1e9));
        return Collections.unmodifiableMap(out);
    }
}
