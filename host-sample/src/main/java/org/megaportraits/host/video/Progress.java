package org.megaportraits.host.video;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A progress line for a job over video frames: a bar, frames done of the total, frames per second
 * and the time left. Redrawn in place on a terminal; elsewhere (logs, CI) a line every ten seconds.
 */
public final class Progress {

    private static final long REDRAW_NANOS = 250_000_000L;
    private static final long LOG_LINE_NANOS = 10_000_000_000L;
    private static final int BAR = 30;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongConsumer listener;
    private final String unit;
    private final long start = System.nanoTime();
    private long done;
    private long first;
    private String note = "";
    private long lastDrawn = Long.MIN_VALUE;

    /**
     * @param total expected frames, or -1 if unknown
     * @param out   where to draw; null draws nothing
     */
    public Progress(String label, long total, PrintStream out, boolean terminal) {
        this(label, total, out, terminal, null);
    }

    private Progress(String label, long total, PrintStream out, boolean terminal, LongConsumer listener) {
        this(label, total, out, terminal, listener, "frames");
    }

    private Progress(String label, long total, PrintStream out, boolean terminal, LongConsumer listener, String unit) {
        this.unit = unit;
        this.label = label;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.listener = listener;
    }

    /** A progress line on stderr, redrawn in place when stderr is a terminal. */
    public static Progress onStderr(String label, long total) {
        return new Progress(label, total, System.err, System.console() != null);
    }

    /**
     * A progress line on stderr counting {@code unit} (e.g. steps) from {@code first} (work done
     * before this process, as when a training run resumes) to {@code total}.
     */
    public static Progress onStderr(String label, long first, long total, String unit) {
        Progress p = new Progress(label, total, System.err, System.console() != null, null, unit);
        p.first = first;
        p.done = first;
        return p;
    }

    /** A short text drawn after the rate (latest losses, say); redrawn with the next advance. */
    public synchronized void note(String text) {
        note = text == null ? "" : text;
    }

    /** Draws nothing. */
    public static Progress silent() {
        return new Progress("", -1, null, false);
    }

    /**
     * Draws nothing, and tells a listener the frames done after every batch, on the thread that
     * processes the frames (for an application's own progress display).
     */
    public static Progress reporting(LongConsumer framesDone) {
        return new Progress("", -1, null, false, framesDone);
    }

    /** Counts frames done and redraws if it is time. */
    public synchronized void advance(int frames) {
        done += frames;
        long now = System.nanoTime();
        if (out != null && now - lastDrawn >= (terminal ? REDRAW_NANOS : LOG_LINE_NANOS)) {
            lastDrawn = now;
            draw(now, false);
        }
        if (listener != null) {
            listener.accept(done);
        }
    }

    /** Frames done so far. */
    public synchronized long done() {
        return done;
    }

    /** Frames per second since the start. */
    public synchronized double framesPerSecond() {
        double seconds = (System.nanoTime() - start) / 1e9;
        return seconds > 0 ? done / seconds : 0;
    }

    /** Draws the final line. */
    public synchronized void finish() {
        if (out != null) {
            draw(System.nanoTime(), true);
        }
    }

    private void draw(long now, boolean last) {
        double seconds = (now - start) / 1e9;
        double fps = seconds > 0 ? (done - first) / seconds : 0;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR, BAR * done / total);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ")
                    .append(done).append('/').append(total);
        } else {
            line.append(done);
        }
        line.append(String.format(Locale.ROOT, " %s  %.1f %s/s", unit, fps, unit));
        if (!note.isEmpty()) {
            line.append("  ").append(note);
        }
        if (last) {
            line.append(String.format(Locale.ROOT, "  done in %s", clock(seconds)));
        } else if (total > 0 && fps > 0) {
            line.append("  ETA ").append(clock(Math.max(0, total - done) / fps));
        }
        if (terminal) {
            out.print("\r" + line + "   " + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
