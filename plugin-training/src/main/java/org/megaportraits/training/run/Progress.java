package org.megaportraits.training.run;

/**
 * Throughput and time left: steps per second over a sliding window of recent steps (the first
 * steps of a run are slow while caches fill), and the ETA of the remaining steps at that rate.
 */
public final class Progress {

    private final long total;
    private final long[] steps;
    private final long[] nanos;
    private int count;
    private int head;

    /** Tracks a run of {@code total} steps, averaging over the last {@code window} reports. */
    public Progress(long total, int window) {
        this.total = total;
        this.steps = new long[window];
        this.nanos = new long[window];
    }

    /** Reports that {@code step} steps are done at time {@code nanoTime}. */
    public void report(long step, long nanoTime) {
        steps[head] = step;
        nanos[head] = nanoTime;
        head = (head + 1) % steps.length;
        count = Math.min(count + 1, steps.length);
    }

    /** Steps per second over the window; 0 until two reports exist. */
    public double stepsPerSecond() {
        if (count < 2) {
            return 0;
        }
        int newest = (head - 1 + steps.length) % steps.length;
        int oldest = count < steps.length ? 0 : head;
        double seconds = (nanos[newest] - nanos[oldest]) / 1e9;
        return seconds <= 0 ? 0 : (steps[newest] - steps[oldest]) / seconds;
    }

    /** Seconds left at the current rate; -1 while unknown. */
    public double secondsLeft(long step) {
        double rate = stepsPerSecond();
        return rate <= 0 ? -1 : (total - step) / rate;
    }

    /** "1h02m03s", or "?" when unknown. */
    public static String duration(double seconds) {
        if (seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
