package org.megaportraits.training.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Loads the batches of the coming steps on background threads while the device trains on the
 * current one. At most {@code depth} batches are loaded ahead; they are handed out in step order
 * whatever thread made them. A failure in loading is rethrown by {@link #next()}.
 */
public final class Prefetcher<T> implements AutoCloseable {

    private final LongFunction<T> producer;
    private final ExecutorService workers;
    private final Deque<Future<T>> ahead = new ArrayDeque<>();
    private final int depth;
    private long nextToSubmit;

    /**
     * Starts loading from step {@code first}.
     *
     * @param threads loading threads
     * @param depth batches loaded ahead (the bound of the queue)
     */
    public Prefetcher(LongFunction<T> producer, long first, int threads, int depth) {
        if (threads < 1 || depth < 1) {
            throw new IllegalArgumentException("prefetch needs at least one thread and a depth of one");
        }
        this.producer = producer;
        this.depth = depth;
        this.nextToSubmit = first;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "training-data-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < depth; i++) {
            submit();
        }
    }

    private void submit() {
        long step = nextToSubmit++;
        ahead.addLast(workers.submit(() -> producer.apply(step)));
    }

    /** The next step's batch, waiting for it if it is not loaded yet. */
    public T next() throws InterruptedException {
        Future<T> head = ahead.removeFirst();
        submit();
        return BackgroundResult.await(head, "loading training data");
    }

    /** Batches currently loaded or loading ahead. */
    public int depth() {
        return depth;
    }

    /**
     * Stops the loading threads and waits for a batch in progress to finish (at most a minute), so
     * that the data source can be closed safely afterwards.
     */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
