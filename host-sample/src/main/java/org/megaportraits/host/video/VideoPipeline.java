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
 * second bounded queue, with the audio passed straight from reader to writer. If any of the three
 * fails, the others stop and the first failure is thrown; the writer then was never finished, so
 * no output file appears.
 */
public final class VideoPipeline {

    /** Turns a batch of frames into as many output frames, in order. */
    @FunctionalInterface
    public interface FrameProcessor {
        /** One output frame per input frame, of the video's size. */
        List<RgbImage> process(List<RgbImage> frames);
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
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        int id = PIPELINES.incrementAndGet();
        ExecutorService io = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "video-io-" + id);
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<List<RgbImage>> decoded = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        BlockingQueue<List<RgbImage>> processed = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        // unbounded, but never far ahead: the reader can lead the writer only by the queued batches
        BlockingQueue<AudioChunk> audio = new LinkedBlockingQueue<>();
        Future<?> reading = io.submit(() -> {
            read(reader, batchSize, decoded, audio);
            return null;
        });
        Future<Long> writing = io.submit(() -> write(writer, processed, audio));
        try {
            while (true) {
                List<RgbImage> batch = take(decoded, reading, writing);
                if (batch == END) {
                    break;
                }
                List<RgbImage> out = processor.process(batch);
                if (out.size() != batch.size()) {
                    throw new IllegalStateException("the processor returned " + out.size() + " frames for " + batch.size());
                }
                put(processed, out, writing);
                progress.advance(batch.size());
            }
            put(processed, END, writing);
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
            writing.cancel(true);
            io.shutdownNow();
            awaitQuietly(io);
        }
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

    /** Takes the next batch, failing as soon as the reader or the writer has failed. */
    private static List<RgbImage> take(BlockingQueue<List<RgbImage>> queue, Future<?> reading, Future<?> writing)
            throws InterruptedException, ExecutionException {
        while (true) {
            List<RgbImage> batch = queue.poll(100, TimeUnit.MILLISECONDS);
            if (batch != null) {
                return batch;
            }
            failIfFailed(reading);
            failIfFailed(writing);
        }
    }

    private static void put(BlockingQueue<List<RgbImage>> queue, List<RgbImage> batch, Future<?> writing)
            throws InterruptedException, ExecutionException {
        while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            failIfFailed(writing);
        }
    }

    private static void failIfFailed(Future<?> task) throws ExecutionException, InterruptedException {
        if (task.isDone()) {
            task.get();
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
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
                LOG.error("the video reader or writer thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
