import java.util.*;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the portraits command with the stack of every pipeline thread (and main) sampled every 10 ms
 * after a delay (-Dsample.delay=ms, default 3500: past start-up), and prints each thread's most
 * frequent top frames with the first project frame below them: where each stage's time goes, and
 * how long it waits for its neighbours. Build and run:
 *   javac -d /tmp/sampler -cp host-sample/target/portraits.jar benchmarks/jvm/JobSampler.java
 *   java -cp /tmp/sampler:host-sample/target/portraits.jar JobSampler reenact --source ... (the command's arguments)
 * Options: -Dsample.depth=3 (top frames per key), -Dsample.top=14 (lines per thread),
 * -Dsample.project=1 (project frames per key: more split a stage's time by the calls it is made of),
 * -Dsample.stop=ms (no samples after this time, e.g. to leave out the model-alone turns of bench-reenact),
 * -Dsample.every=ms (sampling period, default 10),
 * -Dsample.main=class (another main class to run, e.g. the training step benchmark, default the command),
 * -Dsample.under=SimpleClassName (also key each sample by the call the innermost frame of that class made:
 * e.g. Stage1Step splits a training step by the phase each sample is in),
 * -Dsample.timeline=file (instead: only the main thread, each sample written as a line "epoch-ns TAB frames",
 * innermost first, its three innermost frames and the project's below them, to set beside a CUPTI trace, whose timestamps are on the same wall clock).
 */
public class JobSampler {
    static final Map<String, Map<String, Integer>> HITS = new ConcurrentHashMap<>();
    static final Map<String, Integer> TOTAL = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        long delayMs = Long.getLong("sample.delay", 3500);
        int depth = Integer.getInteger("sample.depth", 3);
        int project = Integer.getInteger("sample.project", 1);
        long stopMs = Long.getLong("sample.stop", Long.MAX_VALUE);
        long everyMs = Long.getLong("sample.every", 10);
        String under = System.getProperty("sample.under");
        long start = System.nanoTime();
        String timeline = System.getProperty("sample.timeline");
        if (timeline != null) {
            startTimeline(Thread.currentThread(), timeline, delayMs, everyMs, depth);
            String main = System.getProperty("sample.main", "org.megaportraits.host.cli.PortraitsCommand");
            Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        Thread s = new Thread(() -> {
            while (true) {
                try { Thread.sleep(everyMs); } catch (InterruptedException e) { return; }
                long now = (System.nanoTime() - start) / 1_000_000;
                if (now < delayMs) continue;
                if (now > stopMs) return;
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    Thread t = e.getKey();
                    String n = t.getName();
                    if (!n.startsWith("video-pipeline") && !n.equals("main")) continue;
                    String who = n + "#" + t.getId();
                    StackTraceElement[] st = e.getValue();
                    StringBuilder key = new StringBuilder();
                    int k = 0;
                    for (StackTraceElement f : st) {
                        if (k < depth) { key.append(shortName(f)).append(" < "); k++; }
                    }
                    int p = 0;
                    for (StackTraceElement f : st) {
                        if (p < project && f.getClassName().startsWith("org.megaportraits")) {
                            key.append(p == 0 ? " @ " : " < ").append(shortName(f));
                            p++;
                        }
                    }
                    if (under != null) {
                        // the innermost frame of that class, and the call it was making
                        for (int i = 1; i < st.length; i++) {
                            if (st[i].getClassName().endsWith("." + under)) {
                                key.insert(0, "[" + shortName(st[i]) + " > " + shortName(st[i - 1]) + "] ");
                                break;
                            }
                        }
                    }
                    HITS.computeIfAbsent(who, x -> new ConcurrentHashMap<>()).merge(key.toString(), 1, Integer::sum);
                    TOTAL.merge(who, 1, Integer::sum);
                }
            }
        });
        s.setDaemon(true);
        s.start();
        Runtime.getRuntime().addShutdownHook(new Thread(JobSampler::report));
        String main = System.getProperty("sample.main", "org.megaportraits.host.cli.PortraitsCommand");
        Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    /** Samples one thread into a file until the process ends (the file is flushed by a shutdown hook). */
    static void startTimeline(Thread target, String file, long delayMs, long everyMs, int depth) throws Exception {
        java.io.PrintWriter out = new java.io.PrintWriter(new java.io.BufferedWriter(new java.io.FileWriter(file), 1 << 20));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (out) {
                out.flush();
            }
        }));
        long start = System.nanoTime();
        Thread s = new Thread(() -> {
            while (true) {
                java.util.concurrent.locks.LockSupport.parkNanos(everyMs * 1_000_000L);
                if ((System.nanoTime() - start) / 1_000_000 < delayMs) continue;
                StackTraceElement[] st = target.getStackTrace();
                java.time.Instant now = java.time.Instant.now();
                StringBuilder line = new StringBuilder().append(now.getEpochSecond() * 1_000_000_000L + now.getNano()).append('\t');
                int k = 0;
                for (StackTraceElement f : st) {
                    // the innermost frames, then only the project's
                    if (k++ < 3 || f.getClassName().startsWith("org.megaportraits")) {
                        line.append(shortName(f)).append(" < ");
                    }
                    if (k >= depth) break;
                }
                synchronized (out) {
                    out.println(line);
                }
            }
        });
        s.setDaemon(true);
        s.start();
    }

    static String shortName(StackTraceElement f) {
        String c = f.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
    }

    static void report() {
        for (String who : new TreeSet<>(HITS.keySet())) {
            int total = TOTAL.get(who);
            System.out.printf("=== %s: %d samples%n", who, total);
            List<Map.Entry<String, Integer>> l = new ArrayList<>(HITS.get(who).entrySet());
            l.sort((a, b) -> b.getValue() - a.getValue());
            for (int i = 0; i < Math.min(Integer.getInteger("sample.top", 14), l.size()); i++) {
                System.out.printf("%5.1f%%  %s%n", 100.0 * l.get(i).getValue() / total, l.get(i).getKey());
            }
        }
    }
}
