package org.megaportraits.host.video;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Encodes a video as H.264 in segments of one GOP, each by an encoder of its own, on a pool of
 * threads: OpenH264's own slice threads stopped scaling at a few cores (52 frames/s at 1080 x 1080
 * on 8 or 16), while whole segments are independent work. Independent also means the stream does
 * not depend on the number of threads, to the byte. Frames go into the newest segment as they come
 * and are converted to YUV on the pool; frames taken but not yet converted are bounded, and
 * {@link #add} blocks while the bound is reached. Packets come back segment by segment in order.
 * One thread calls it.
 */
final class ParallelH264Encoder implements AutoCloseable {

    /** Names of the pool's threads (a thread dump shows whose they are). */
    static final String THREAD_NAME = "video-encoder-";

    /** Frames waiting for conversion may hold this much memory, if the threads have that much work queued. */
    private static final long FRAME_MEMORY = 1L << 30;

    /** Ends a segment's queue (compared by identity). */
    private static final RgbImage END = RgbImage.black(1, 1);

    /** The last GOP of a video of known length is cut into this many segments. */
    static final int TAIL_SEGMENTS = 4;

    private final H264Settings settings;
    private final long expectedFrames;
    private final byte[] header;
    private final String video;
    private final Semaphore unconverted;
    private final ExecutorService pool;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Segments started and not yet handed back, oldest first. */
    private final Deque<Segment> pending = new ArrayDeque<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private Segment current;
    private long framesAdded;
    private int segmentsStarted;

    /**
     * @param header         the SPS/PPS the stream was started with: every segment's encoder must give the same
     * @param threads        segments encoded at once
     * @param framesInFlight frames taken but not yet converted, at most
     * @param video          the video's name, for messages
     * @param expectedFrames the frames the video will have, if known (else 0 or less): its last GOP is
     *                       then encoded as {@value #TAIL_SEGMENTS} segments at once, so that the file
     *                       is complete sooner after the last frame
     */
    ParallelH264Encoder(H264Settings settings, byte[] header, int threads, int framesInFlight, String video,
                        long expectedFrames) {
        if (threads < 1 || framesInFlight < 1) {
            throw new IllegalArgumentException(threads + " threads and " + framesInFlight + " frames in flight");
        }
        this.settings = settings;
        this.expectedFrames = expectedFrames;
        this.header = header.clone();
        this.video = video;
        this.unconverted = new Semaphore(framesInFlight);
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, THREAD_NAME + (this.threads.size() + 1));
            // a writer its owner forgot to close must not keep the JVM alive
            t.setDaemon(true);
            this.threads.add(t);
            return t;
        });
    }

    /**
     * The default bound on frames taken but not yet converted: enough for every thread to have a
     * segment queued ({@code threads} GOPs) within 1 GiB of frames, but never less than one GOP.
     */
    static int framesInFlight(int gop, int threads, long frameBytes) {
        return (int) Math.max(gop, Math.min((long) threads * gop, FRAME_MEMORY / frameBytes));
    }

    /**
     * Takes the next frame (kept, not copied, until converted); blocks while the frames waiting for
     * conversion are at the bound.
     *
     * @throws UncheckedIOException if a segment failed to encode, or the wait was interrupted
     * @throws IllegalStateException if a segment's encoder gave another stream header
     */
    void add(RgbImage image) {
        throwIfFailed();
        try {
            unconverted.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for the H.264 encoder of "
                    + video));
        }
        if (current == null) {
            Segment s = new Segment(segmentsStarted++, framesAdded);
            s.packets = pool.submit(() -> encode(s));
            pending.add(s);
            current = s;
        }
        current.frames.add(image);
        framesAdded++;
        if (startsSegment(framesAdded, settings.gop(), expectedFrames)) {
            end();
        }
    }

    /**
     * Whether {@code frame} starts a segment: every {@code gop}-th frame, and where the length is
     * known, the last {@code gop} frames in {@value #TAIL_SEGMENTS} segments of their own. The frames
     * of the last batch a job writes arrive together; in one-GOP segments the last of them took a
     * single thread about 0.3 s at 512 px after the job's last batch (three more IDR frames instead).
     */
    static boolean startsSegment(long frame, int gop, long expectedFrames) {
        long tail = expectedFrames > 0 ? Math.max(0, expectedFrames - gop) : Long.MAX_VALUE;
        if (frame < tail) {
            return frame % gop == 0;
        }
        long part = Math.max(1, (gop + TAIL_SEGMENTS - 1) / TAIL_SEGMENTS);
        return (frame - tail) % part == 0;
    }

    /** Ends the segment frames go into now: the next frame starts a new one. */
    void end() {
        if (current != null) {
            current.frames.add(END);
            current = null;
        }
    }

    /** The packets of the oldest segments, those finished, in order; empty if the oldest is still encoding. Does not wait. */
    List<EncodedPacket> takeFinished() {
        List<EncodedPacket> packets = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().packets.isDone()) {
            packets.addAll(result(pending.poll()));
        }
        return packets;
    }

    /** Waits for the oldest segment and returns its packets; null when every segment was handed back. */
    List<EncodedPacket> awaitNext() {
        Segment s = pending.poll();
        return s == null ? null : result(s);
    }

    private List<EncodedPacket> result(Segment s) {
        try {
            return s.packets.get();
        } catch (ExecutionException e) {
            throw failure.get().exception(video);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for segment " + s.index
                    + " of " + video));
        }
    }

    private void throwIfFailed() {
        Failure f = failure.get();
        if (f != null) {
            throw f.exception(video);
        }
    }

    /** One segment on a pool thread: its own encoder, frames from its queue until the end mark, then its packets. */
    private List<EncodedPacket> encode(Segment s) throws IOException, InterruptedException {
        long frame = s.firstFrame;
        try (H264SegmentEncoder encoder = H264SegmentEncoder.open(settings)) {
            if (!Arrays.equals(encoder.header(), header)) {
                throw new IllegalStateException("its H.264 encoder gave an SPS/PPS other than the stream's header, so the "
                        + "segment cannot join the stream (" + encoder.header().length + " bytes, the header "
                        + header.length + ")");
            }
            List<EncodedPacket> packets = new ArrayList<>();
            RgbImage image;
            while ((image = s.frames.take()) != END) {
                try {
                    encoder.convert(image);
                } finally {
                    unconverted.release();
                }
                encoder.encode(frame, packets);
                frame++;
            }
            encoder.flush(packets);
            return packets;
        } catch (Throwable t) {
            failure.compareAndSet(null, new Failure(s.index, s.firstFrame, frame, t));
            throw t;
        } finally {
            // frames this segment will never convert must not hold up the writer
            RgbImage left;
            while ((left = s.frames.poll()) != null) {
                if (left != END) {
                    unconverted.release();
                }
            }
        }
    }

    /** Stops the pool (interrupting segments still waiting for frames) and waits until its threads have ended. */
    @Override
    public void close() {
        pool.shutdownNow();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        pending.clear();
        current = null;
    }

    /** A segment: its frames as they come, and its packets once encoded. */
    private static final class Segment {
        final int index;
        final long firstFrame;
        final BlockingQueue<RgbImage> frames = new LinkedBlockingQueue<>();
        Future<List<EncodedPacket>> packets;

        Segment(int index, long firstFrame) {
            this.index = index;
            this.firstFrame = firstFrame;
        }
    }

    /** The first segment that failed, where, and why. */
    private record Failure(int segment, long firstFrame, long frame, Throwable cause) {

        RuntimeException exception(String video) {
            String where = "segment " + segment + " (from frame " + firstFrame + ") of " + video;
            if (cause instanceof IllegalStateException) {
                return new IllegalStateException(where + ": " + cause.getMessage(), cause);
            }
            if (cause instanceof InterruptedException) {
                InterruptedIOException e = new InterruptedIOException("the H.264 encoder of " + where
                        + " was interrupted at frame " + frame);
                e.initCause(cause);
                return new UncheckedIOException(e);
            }
            return new UncheckedIOException(new IOException("encoding frame " + frame + " of " + where + " failed: "
                    + cause.getMessage(), cause));
        }
    }
}
