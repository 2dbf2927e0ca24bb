package org.megaportraits.training.stage1;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.megaportraits.training.data.BackgroundResult;
import org.megaportraits.training.data.Example;

/**
 * Puts the next step's batch on the devices while the current step runs. Making a step's shards
 * (stacking the host images, copying them into the engine and to each replica's device, casting
 * to the compute type) took about 60 ms at batch 4 on the H100, during which the GPU had nothing to
 * do; on a thread of its own it overlaps the previous step. Its copies wait for the work queued on
 * the device before them, which holds up only this thread. One batch is made ahead.
 */
final class ShardUpload implements AutoCloseable {

    /** One step's shards, one per replica, with the managers that own them. */
    record Shards(List<DeviceBatch> batches, List<NDManager> managers) implements AutoCloseable {

        /** Splits a batch over the replicas and puts each part on its replica's device. */
        static Shards of(List<Example> batch, List<Replica> replicas, DataType compute) {
            List<DeviceBatch> shards = new ArrayList<>();
            List<NDManager> managers = new ArrayList<>();
            try {
                int n = replicas.size();
                for (int r = 0; r < n; r++) {
                    int from = batch.size() * r / n;
                    int to = batch.size() * (r + 1) / n;
                    NDManager m = replicas.get(r).manager.newSubManager();
                    managers.add(m);
                    shards.add(new DeviceBatch(batch.subList(from, to), m, compute));
                }
                return new Shards(shards, managers);
            } catch (RuntimeException e) {
                managers.forEach(NDManager::close);
                throw e;
            }
        }

        @Override
        public void close() {
            managers.forEach(NDManager::close);
        }
    }

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-upload");
        t.setDaemon(true);
        return t;
    });
    private Future<Shards> ahead;

    /** Starts making the shards of the next batch (the previous one must have been taken). */
    void start(Callable<Shards> next) {
        if (ahead != null) {
            throw new IllegalStateException("the shards made ahead were not taken");
        }
        ahead = thread.submit(next);
    }

    /** The shards started last, waiting for them; the caller closes them. */
    Shards take() throws InterruptedException {
        Future<Shards> f = ahead;
        ahead = null;
        return BackgroundResult.await(f, "putting the training batch on the device");
    }

    /**
     * Stops making shards; shards made but not taken are closed (shards whose making is cut short
     * belong to sub-managers of the replicas' managers and go with them).
     */
    @Override
    public void close() {
        Future<Shards> f = ahead;
        ahead = null;
        if (f != null && !f.cancel(true)) {
            try {
                f.get().close();
            } catch (ExecutionException | CancellationException e) {
                // nothing was made, nothing to free
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
