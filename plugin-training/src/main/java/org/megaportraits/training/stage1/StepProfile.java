package org.megaportraits.training.stage1;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time of the phases of a training step, for the training benchmark. Off unless
 * {@code -Dportraits.training.profile=true}: when on, every phase ends by reading a value the
 * device has just computed, so that queued device work is charged to the phase that queued it
 * (those waits cost a little speed; the figures are for finding where the time goes).
 */
public final class StepProfile {

    static final boolean ENABLED = Boolean.getBoolean("portraits.training.profile");

    private static final Map<String, long[]> TOTALS = new LinkedHashMap<>();

    private long last;

    private StepProfile() {
        last = System.nanoTime();
    }

    /** A profile of one step starting now, or null when profiling is off. */
    static StepProfile start() {
        return ENABLED ? new StepProfile() : null;
    }

    /** Ends a phase: waits for {@code sync} (any array the phase produced last; may be null) and books the time. */
    void end(String phase, NDArray sync) {
        if (sync != null) {
            sync.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum().getFloat();
        }
        long now = System.nanoTime();
        synchronized (TOTALS) {
            long[] t = TOTALS.computeIfAbsent(phase, k -> new long[2]);
            t[0] += now - last;
            t[1]++;
        }
        last = now;
    }

    /** Mean seconds per phase since the last reset. */
    public static Map<String, Double> meanSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        synchronized (TOTALS) {
            TOTALS.forEach((k, v) -> out.put(k, v[1] == 0 ? 0 : v[0] / 1e9 / v[1]));
        }
        return out;
    }

    /** Forgets the phases booked so far (after warm-up steps, say). */
    public static void reset() {
        synchronized (TOTALS) {
            TOTALS.clear();
        }
    }

    /** Whether profiling is on. */
    public static boolean enabled() {
        return ENABLED;
    }
}
