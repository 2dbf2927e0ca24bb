package org.megaportraits.host.video;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.megaportraits.host.concurrent.Failures;
import org.megaportraits.sdk.image.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs frames of a video through a processor with decoding and encoding beside it, not in turn: a
 * reader thread decodes batches ahead into a bounded queue, the calling thread processes them (so a
 * session opened there keeps being used there for the first stage), and a writer thread encodes
 * results from a second bounded queue, with the audio passed straight from reader to writer. The
 * processing may be split in stages ({@link Stage}): each stage after the first runs on threads of
 * its own, up to three batches behind the stage before it; a stage on several threads takes batches
 * in turn and still hands its outputs on in batch order.
 * If any thread fails, the others stop, every handover not yet taken is discarded by the stage it
 * was meant for, and the first failure is thrown; the writer then was never finished, so no output
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
     * A stage after the first, for {@link #run(FrameSource, FrameSink, int, Function, List, Progress)}:
     * runs on threads of its own, takes what the stage before handed over, or frees it when it will
     * never take it.
     */
    public interface Stage {
        Object apply(List<RgbImage> frames, Object input);

        void discard(Object input);

        /** Threads the stage runs on, taking batches in turn. */
        int threads();

        /**
         * A stage of typed functions on one thread: {@code apply} takes a batch's frames and what the
         * stage before handed over ({@code I}), and frees the latter even when it fails; {@code
         * discard} frees a handover the stage will never take.
         */
        static <I> Stage of(BiFunction<List<RgbImage>, I, ?> apply, Consumer<I> discard) {
            return of(apply, discard, 1);
        }

        /**
         * As {@link #of(BiFunction, Consumer)}, on {@code threads} threads that take batches in turn
         * ({@code apply} must allow calls from several threads at once); outputs leave in batch order.
         */
        @SuppressWarnings("unchecked")
        static <I> Stage of(BiFunction<List<RgbImage>, I, ?> apply, Consumer<I> discard, int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("a stage needs a thread, not " + threads);
            }
            return new Stage() {
                @Override
                public Object apply(List<RgbImage> frames, Object input) {
                    return apply.apply(frames, (I) input);
                }

                @Override
                public void discard(Object input) {
                    discard.accept((I) input);
                }

                @Override
                public int threads() {
                    return threads;
                }
            };
        }
    }

    /**
     * The batch order of a stage's outputs when several threads run it: a thread that finished a
     * batch waits until the batches before it have been handed on.
     */
    private static final class BatchOrder {
        private long next;

        /** Waits until batch {@code index} is next, failing as soon as one of {@code others} has failed. */
        synchronized void awaitTurn(long index, List<Future<?>> others) throws InterruptedException, ExecutionException {
            while (next != index) {
                wait(100);
                for (Future<?> f : others) {
                    failIfFailed(f);
                }
            }
        }

        /** The next batch's turn. */
        synchronized void passTurn() {
            next++;
            notifyAll();
        }
    }

    /**
     * What a run did: frames written, and how long processing stood still for video I/O: the first
     * stage waiting for decoded frames after its first batch, the last stage waiting for the encoder
     * to take its results, and the encoder's tail: from the last processed batch to the finished file.
     * Waits near zero mean decoding and encoding were hidden behind processing.
     */
    public record Result(long frames, double decodeWaitSeconds, double encodeWaitSeconds, double encodeTailSeconds) {
    }

    /** A batch between the stages, with its place in the video (the end mark has null frames). */
    private record Handover(List<RgbImage> frames, Object value, long index) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(VideoPipeline.class);

    /** Batches waiting on each side of the processor: enough to hide a slow frame, little memory. */
    private static final int QUEUED_BATCHES = 2;

    /**
     * Batches waiting between two processing stages. Stages sharing one GPU stall on each other's
     * queued work at every read-back; a stage allowed to run further ahead finds its input ready
     * when such a stall ends. Reenact job on an H100 (batch 32): 147 frames/s with one, 152 with two,
     * 156.5 with three (three runs each). Memory: a 1080p batch of 32 frames is 200 MB on the host.
     */
    private static final int HANDOVER_BATCHES = 3;

    /** Marks the end of the frames (compared by identity). */
    private static final List<RgbImage> END = new ArrayList<>(0);

    private static final AtomicInteger PIPELINES = new AtomicInteger();

    private VideoPipeline() {
    }

    /**
     * Decodes every frame of the reader in batches, processes them and encodes the results with the
     * reader's audio, then finishes the writer (moving the file into place). The caller closes both.
     *
     * @return frames written and the waits for video I/O
     */
    public static Result run(FrameSource reader, FrameSink writer, int batchSize, FrameProcessor processor, Progress progress) {
        return chain(reader, writer, batchSize, processor::process, List.of(), progress);
    }

    /**
     * As {@link #run(FrameSource, FrameSink, int, FrameProcessor, Progress)}, with the processing in
     * as many overlapping stages as given: {@code first} on the calling thread, each later stage on
     * threads of its own behind the one before, the last one's output (a list of as many frames as
     * it was given) to the writer. Each stage's input is what the stage before returned.
     *
     * @return frames written and the waits for video I/O
     */
    public static Result run(FrameSource reader, FrameSink writer, int batchSize, Function<List<RgbImage>, ?> first,
                             List<Stage> later, Progress progress) {
        if (later.isEmpty()) {
            throw new IllegalArgumentException("give at least one stage after the first (or a FrameProcessor)");
        }
        return chain(reader, writer, batchSize, first::apply, later, progress);
    }

    /**
     * The pipeline: {@code first} on the calling thread, each later stage on a thread of its own
     * (the last one's output goes to the writer), reader and writer on threads of their own.
     */
    @SuppressWarnings("unchecked")
    private static Result chain(FrameSource reader, FrameSink writer, int batchSize,
                              Function<List<RgbImage>, Object> first, List<Stage> later,
                              Progress progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        int id = PIPELINES.incrementAndGet();
        ExecutorService threads = Executors.newFixedThreadPool(2 + later.stream().mapToInt(Stage::threads).sum(), r -> {
            Thread t = new Thread(r, "video-pipeline-" + id);
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<List<RgbImage>> decoded = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        // inputs.get(i) feeds later stage i
        List<BlockingQueue<Handover>> inputs = new ArrayList<>();
        for (int i = 0; i < later.size(); i++) {
            inputs.add(new ArrayBlockingQueue<>(HANDOVER_BATCHES));
        }
        BlockingQueue<List<RgbImage>> processed = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        // unbounded, but never far ahead: the reader can lead the writer only by the queued batches
        BlockingQueue<AudioChunk> audio = new LinkedBlockingQueue<>();
        Future<?> reading = threads.submit(() -> {
            read(reader, batchSize, decoded, audio);
            return null;
        });
        Future<Long> writing = threads.submit(() -> write(writer, processed, audio));
        // time the last stage waited for the writer to take a batch
        AtomicLong encodeWait = new AtomicLong();
        // each stage fails fast when the ones after it (down to the writer) have failed, and a
        // stage's thread when another thread of the same stage has
        List<Future<?>> stages = new ArrayList<>();
        for (int i = later.size() - 1; i >= 0; i--) {
            int index = i;
            List<Future<?>> downstream = new ArrayList<>(stages);
            downstream.add(writing);
            List<Future<?>> siblings = new CopyOnWriteArrayList<>();
            BatchOrder order = new BatchOrder();
            AtomicInteger running = new AtomicInteger(later.get(i).threads());
            for (int t = 0; t < later.get(i).threads(); t++) {
                siblings.add(threads.submit(() -> {
                    runStage(later, index, inputs, processed, downstream, siblings, order, running, progress, encodeWait);
                    return null;
                }));
            }
            stages.addAll(0, siblings);
        }
        List<Future<?>> all = new ArrayList<>(stages);
        all.add(reading);
        all.add(writing);
        long decodeWait = 0;
        long batches = 0;
        try {
            for (boolean firstBatch = true; ; firstBatch = false) {
                long t = System.nanoTime();
                List<RgbImage> batch = take(decoded, all.toArray(new Future<?>[0]));
                if (!firstBatch) {
                    decodeWait += System.nanoTime() - t;
                }
                if (batch == END) {
                    break;
                }
                Object handover = first.apply(batch);
                if (later.isEmpty()) {
                    checkSize(batch, handover);
                    long w = System.nanoTime();
                    put(processed, (List<RgbImage>) handover, writing);
                    encodeWait.addAndGet(System.nanoTime() - w);
                    progress.advance(batch.size());
                    continue;
                }
                try {
                    put(inputs.get(0), new Handover(batch, handover, batches++), all.toArray(new Future<?>[0]));
                } catch (InterruptedException | ExecutionException | RuntimeException e) {
                    later.get(0).discard(handover);
                    throw e;
                }
            }
            if (later.isEmpty()) {
                put(processed, END, writing);
            } else {
                put(inputs.get(0), new Handover(null, null, -1), all.toArray(new Future<?>[0]));
            }
            for (Future<?> f : stages) {
                f.get();
            }
            long processedAll = System.nanoTime();
            reading.get();
            long frames = writing.get();
            progress.finish();
            return new Result(frames, decodeWait / 1e9, encodeWait.get() / 1e9, (System.nanoTime() - processedAll) / 1e9);
        } catch (ExecutionException e) {
            // a thread that stopped because another failed carries that failure: report the first
            throw Failures.unwrapped(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            reading.cancel(true);
            stages.forEach(f -> f.cancel(true));
            writing.cancel(true);
            threads.shutdownNow();
            awaitQuietly(threads);
            for (int i = 0; i < inputs.size(); i++) {
                Handover left;
                while ((left = inputs.get(i).poll()) != null) {
                    if (left.frames() != null) {
                        later.get(i).discard(left.value());
                    }
                }
            }
        }
    }

    /**
     * One thread of later stage {@code index}: applies the stage to the inputs it takes and hands the
     * results on in batch order (the last stage to the writer); an output the next stage cannot take
     * is discarded by it. The stage's last thread to reach the end mark hands it on, after every
     * result; the others put it back for their siblings.
     */
    @SuppressWarnings("unchecked")
    private static void runStage(List<Stage> later, int index, List<BlockingQueue<Handover>> inputs,
                                 BlockingQueue<List<RgbImage>> processed, List<Future<?>> downstream, List<Future<?>> siblings,
                                 BatchOrder order, AtomicInteger running, Progress progress, AtomicLong encodeWait)
            throws InterruptedException, ExecutionException {
        boolean last = index == later.size() - 1;
        Future<?>[] consumers = downstream.toArray(new Future<?>[0]);
        Handover h;
        while ((h = inputs.get(index).take()).frames() != null) {
            Object out = later.get(index).apply(h.frames(), h.value());
            try {
                order.awaitTurn(h.index(), siblings);
                try {
                    if (last) {
                        checkSize(h.frames(), out);
                        long t = System.nanoTime();
                        put(processed, (List<RgbImage>) out, consumers);
                        encodeWait.addAndGet(System.nanoTime() - t);
                        progress.advance(h.frames().size());
                    } else {
                        put(inputs.get(index + 1), new Handover(h.frames(), out, h.index()), consumers);
                    }
                } finally {
                    order.passTurn();
                }
            } catch (InterruptedException | ExecutionException | RuntimeException e) {
                if (!last) {
                    later.get(index + 1).discard(out);
                }
                throw e;
            }
        }
        if (running.decrementAndGet() > 0) {
            // the queue has room: this thread just took the mark, and nothing comes after it
            inputs.get(index).put(h);
            return;
        }
        if (last) {
            put(processed, END, consumers);
        } else {
            put(inputs.get(index + 1), new Handover(null, null, -1), consumers);
        }
    }

    private static void checkSize(List<RgbImage> frames, Object out) {
        int n = ((List<?>) out).size();
        if (n != frames.size()) {
            throw new IllegalStateException("the processor returned " + n + " frames for " + frames.size());
        }
    }

    private static void read(FrameSource reader, int batchSize, BlockingQueue<List<RgbImage>> decoded,
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

    private static long write(FrameSink writer, BlockingQueue<List<RgbImage>> processed, BlockingQueue<AudioChunk> audio)
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

    private static void drain(BlockingQueue<AudioChunk> audio, FrameSink writer) {
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
