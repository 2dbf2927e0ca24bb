package org.megaportraits.host.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time per named stage, summed over a job's batches, in the order stages first ran. */
final class StageTimes {

    private final Map<String, Long> nanos = new LinkedHashMap<>();

    /** Adds the time since {@code since} to a stage and returns now, the next stage's start. */
    synchronized long add(String stage, long since) {
        long now = System.nanoTime();
        nanos.merge(stage, now - since, Long::sum);
        return now;
    }

    /** Seconds per stage. */
    synchronized Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e9));
        return Collections.unmodifiableMap(out);
    }
}
