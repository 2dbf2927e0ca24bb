package org.megaportraits.training.impl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.megaportraits.sdk.PortraitsException;
import org.megaportraits.sdk.training.TrainingService;
import org.megaportraits.sdk.training.TrainingSpec;
import org.megaportraits.sdk.training.TrainingStatus;
import org.megaportraits.training.stage1.FaceServices;
import org.megaportraits.training.stage1.Stage1Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A stage-1 run on its own thread. */
final class TrainingRun implements TrainingService.Run {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainingSpec spec;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final List<Consumer<TrainingStatus>> listeners = new CopyOnWriteArrayList<>();
    private volatile TrainingStatus status;

    TrainingRun(TrainingSpec spec) {
        this.spec = spec;
        this.status = new TrainingStatus(TrainingStatus.State.STARTING, 0, 0, Map.of(), 0, null);
    }

    /** Starts the thread; {@code onEnd} runs when the run ends, however it ends. */
    void start(FaceServices faces, Runnable onEnd) {
        Thread t = new Thread(() -> {
            try (Stage1Trainer trainer = new Stage1Trainer(spec.config(), spec.data(), spec.runDir(), spec.options(), faces)) {
                publish(new TrainingStatus(TrainingStatus.State.RUNNING, trainer.step(), trainer.config().steps(),
                        Map.of(), 0, null));
                trainer.train(Long.MAX_VALUE, stop::get, this::publish);
            } catch (RuntimeException | Error e) {
                String msg = e instanceof PortraitsException ? e.getMessage() : e.toString();
                if (e instanceof PortraitsException) {
                    LOG.error("training run in {} failed: {}", spec.runDir(), msg);
                } else {
                    LOG.error("training run in {} failed: {}", spec.runDir(), msg, e);
                }
                TrainingStatus s = status;
                publish(new TrainingStatus(TrainingStatus.State.FAILED, s.step(), s.totalSteps(), s.losses(),
                        s.stepsPerSecond(), msg));
            } finally {
                onEnd.run();
                done.countDown();
            }
        }, "training-" + spec.runDir().getFileName());
        t.start();
    }

    private void publish(TrainingStatus s) {
        status = s;
        for (Consumer<TrainingStatus> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("status listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public Path runDir() {
        return spec.runDir();
    }

    @Override
    public TrainingStatus status() {
        return status;
    }

    @Override
    public void onStatus(Consumer<TrainingStatus> listener) {
        listeners.add(listener);
    }

    @Override
    public void stop() {
        stop.set(true);
    }

    @Override
    public TrainingStatus await(Duration timeout) throws InterruptedException {
        done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return status;
    }
}
