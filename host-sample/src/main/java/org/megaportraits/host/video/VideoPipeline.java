package org.megaportraits.host.video;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.megaportraits.sdk.image.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs frames of a video through a processor with decoding and encoding beside it, not in turn: a
 * reader thread decodes batches ahead into a bounded queue, the calling thread processes them (so a
 * model session stays on the thread that opened it), and a writer thread encodes results from a
 * second bounded queue, with the audio passed straight from reader to writer. A {@link
 * StagedProcessor} splits the processing in two: its second stage runs on a thread of its own,
 * on batch k while the calling thread runs the first stage on batch k + 1. If any thread fails,
 * the others stop and the first failure is thrown; the writer then was never finished, so no output
 * file appears.
 */
public final class VideoPipeline {

    /** Turns a batch of frames into as many output frames, in order. */
    @FunctionalInterface
    public interface FrameProcessor {
        /** One output frame per input frame, of the video's size. */
        List<RgbImage> process(List<RgbImage> frames);
    }

    /**
     * Processing in two stages that overlap across batches: {@code first} on the calling thread,
     * {@code second} on the pipeline's finishing thread. What the first hands over belongs to the
     * second (or to {@code discard} when the pipeline fails before the second ran).
     *
     * @param <T> what the first stage hands to the second
     */
    public interface StagedProcessor<T> {
        /** The first stage of a batch, on the calling thread. */
        T first(List<RgbImage> frames);

        /** The second stage: one output frame per input frame, in order; frees {@code handover}. */
        List<RgbImage> second(List<RgbImage> frames, T handover);

        /** Frees a handover the second stage will never see. */
        void discard(T handover);
    }

    /** A batch between the stages (the end mark has null frames). */
    private record Handover<T>(List<RgbImage> frames, T value) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(VideoPipeline.class);

    /** Batches waiting on each side of the processor: enough to hide a slow frame, little memory. */
    private static final int QUEUED_BATCHES = 2;

    /** Marks the end of the frames (compared by identity). */
    private static final List<RgbImage> END = new ArrayList<>(0);

    private static final AtomicInteger PIPELINES = new AtomicInteger();

    private VideoPipeline() {
    }

    /**
     * Decodes every frame of the reader in batches, processes them and encodes the results with the
     * reader's audio, then finishes the writer (moving the file into place). The caller closes both.
     *
     * @return frames written
     */
    public static long run(VideoReader reader, VideoWriter writer, int batchSize, FrameProcessor processor, Progress progress) {
        return run(reader, writer, batchSize, new StagedProcessor<List<RgbImage>>() {
            @Override
            public List<RgbImage> first(List<RgbImage> frames) {
                return processor.process(frames);
            }

            @Override
            public List<RgbImage> second(List<RgbImage> frames, List<RgbImage> handover) {
                return handover;
            }

            @Override
            public void discard(List<RgbImage> handover) {
                // host images: nothing to free
            }
        }, progress);
    }

    /**
     * As {@link #run(VideoReader, VideoWriter, int, FrameProcessor, Progress)}, with the processing
     * in two overlapping stages.
     *
     * @return frames written
     */
    public static <T> long run(VideoReader reader, VideoWriter writer, int batchSize, StagedProcessor<T> processor,
                               Progress progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        int id = PIPELINES.incrementAndGet();
        ExecutorService threads = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "video-pipeline-" + id);
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<List<RgbImage>> decoded = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        BlockingQueue<Handover<T>> halfway = new ArrayBlockingQueue<>(1);
        BlockingQueue<List<RgbImage>> processed = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        // unbounded, but never far ahead: the reader can lead the writer only by the queued batches
        BlockingQueue<AudioChunk> audio = new LinkedBlockingQueue<>();
        Future<?> reading = threads.submit(() -> {
            read(reader, batchSize, decoded, audio);
            return null;
        });
        Future<Long> writing = threads.submit(() -> write(writer, processed, audio));
        Future<?> finishing = threads.submit(() -> {
            finish(processor, halfway, processed, writing, progress);
            return null;
        });
        try {
            while (true) {
                List<RgbImage> batch = take(decoded, reading, writing, finishing);
                if (batch == END) {
                    break;
                }
                T handover = processor.first(batch);
                try {
                    put(halfway, new Handover<>(batch, handover), writing, finishing);
                } catch (InterruptedException | ExecutionException | RuntimeException e) {
                    processor.discard(handover);
                    throw e;
                }
            }
            put(halfway, new Handover<>(null, null), writing, finishing);
            finishing.get();
            reading.get();
            long frames = writing.get();
            progress.finish();
            return frames;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            reading.cancel(true);
            finishing.cancel(true);
            writing.cancel(true);
            threads.shutdownNow();
            awaitQuietly(threads);
            Handover<T> left;
            while ((left = halfway.poll()) != null) {
                if (left.frames() != null) {
                    processor.discard(left.value());
                }
            }
        }
    }

    /** The finishing thread: second stages in batch order, results to the writer. */
    private static <T> void finish(StagedProcessor<T> processor, BlockingQueue<Handover<T>> halfway,
                                   BlockingQueue<List<RgbImage>> processed, Future<?> writing, Progress progress)
            throws InterruptedException, ExecutionException {
        Handover<T> h;
        while ((h = halfway.take()).frames() != null) {
            List<RgbImage> out = processor.second(h.frames(), h.value());
            if (out.size() != h.frames().size()) {
                throw new IllegalStateException("the processor returned " + out.size() + " frames for " + h.frames().size());
            }
            put(processed, out, writing);
            progress.advance(out.size());
        }
        put(processed, END, writing);
    }

    private static void read(VideoReader reader, int batchSize, BlockingQueue<List<RgbImage>> decoded,
                             BlockingQueue<AudioChunk> audio) throws InterruptedException {
        List<RgbImage> batch = new ArrayList<>(batchSize);
        Object next;
        while ((next = reader.next()) != null) {
            if (next instanceof AudioChunk chunk) {
                audio.put(chunk);
                continue;
            }
            batch.add((RgbImage) next);
            if (batch.size() == batchSize) {
                decoded.put(batch);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) {
            decoded.put(batch);
        }
        decoded.put(END);
    }

    private static long write(VideoWriter writer, BlockingQueue<List<RgbImage>> processed, BlockingQueue<AudioChunk> audio)
            throws InterruptedException {
        List<RgbImage> batch;
        while ((batch = processed.take()) != END) {
            for (RgbImage image : batch) {
                drain(audio, writer);
                writer.writeImage(image);
            }
        }
        // the reader put all audio before its end mark, which came before this one
        drain(audio, writer);
        writer.finish();
        return writer.framesWritten();
    }

    private static void drain(BlockingQueue<AudioChunk> audio, VideoWriter writer) {
        AudioChunk chunk;
        while ((chunk = audio.poll()) != null) {
            writer.writeAudio(chunk);
        }
    }

    /** Takes the next item, failing as soon as one of the other threads has failed. */
    private static <E> E take(BlockingQueue<E> queue, Future<?>... others) throws InterruptedException, ExecutionException {
        while (true) {
            E item = queue.poll(100, TimeUnit.MILLISECONDS);
            if (item != null) {
                return item;
            }
            for (Future<?> f : others) {
                failIfFailed(f);
            }
        }
    }

    /** Puts an item, failing as soon as one of the threads that empty the queue has failed. */
    private static <E> void put(BlockingQueue<E> queue, E item, Future<?>... consumers)
            throws InterruptedException, ExecutionException {
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            for (Future<?> f : consumers) {
                failIfFailed(f);
            }
        }
    }

    private static void failIfFailed(Future<?> task) throws ExecutionException, InterruptedException {
        if (task.isDone()) {
            task.get();
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        // a thread that stopped because another failed carries that failure: report the first
        while (cause instanceof ExecutionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }

    private static void awaitQuietly(ExecutorService io) {
        try {
            if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.error("a video pipeline thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
