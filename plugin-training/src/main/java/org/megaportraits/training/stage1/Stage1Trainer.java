package org.megaportraits.training.stage1;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.training.TrainingStatus;
import org.megaportraits.training.checkpoint.Checkpoint;
import org.megaportraits.training.checkpoint.CheckpointStore;
import org.megaportraits.training.config.ConfigLoader;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.data.Augmenter;
import org.megaportraits.training.data.Example;
import org.megaportraits.training.data.FolderSource;
import org.megaportraits.training.data.PairSampler;
import org.megaportraits.training.data.Prefetcher;
import org.megaportraits.training.optim.AdamW;
import org.megaportraits.training.optim.CosineSchedule;
import org.megaportraits.training.run.AtomicFiles;
import org.megaportraits.training.run.LossLog;
import org.megaportraits.training.run.LossPlot;
import org.megaportraits.training.run.Progress;
import org.megaportraits.training.run.SampleGrid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage-1 training run in a run folder: builds or resumes the networks and optimizers, loads data
 * beside the device, takes steps, logs losses ({@code losses.jsonl}), writes sample grids
 * ({@code samples/step-N.png}), checkpoints ({@code checkpoints/}) and, at the end, the loss-curve
 * plot ({@code loss-curves.png}). Stopping writes a checkpoint first; starting again on the same
 * folder continues exactly where it stopped.
 *
 * <p>Randomness: data sampling and augmentation of step k are a function of (seed, k); the engine
 * generator is re-seeded from (seed, k) before step k; weights are initialised from the seed by
 * parameter name. The random state a checkpoint must hold is therefore the seed and the step.
 */
public final class Stage1Trainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Stage1Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_FILE = "config.json";
    private static final String STOP_FILE = "STOP";

    private final Stage1Config cfg;
    private final BaseModelConfig model;
    private final Path runDir;
    private final NDManager root;
    private final List<Replica> replicas = new ArrayList<>();
    private final AdamW generatorOptimizer;
    private final AdamW discriminatorOptimizer;
    private final CosineSchedule generatorSchedule;
    private final CosineSchedule discriminatorSchedule;
    private final CheckpointStore checkpoints;
    private final Stage1Step stepper;
    private final PairSampler sampler;
    private final FolderSource source;
    private final DataType compute;
    private long step;

    /**
     * Prepares a run: an existing checkpoint in {@code runDir} is resumed.
     *
     * @param config the configuration file, or null to use the run folder's saved one (or the defaults)
     * @param options the device when the configuration names none, and the precision: fp32, or bf16
     *                for mixed precision (fp32 weights and optimizer state, bf16 computation)
     */
    public Stage1Trainer(Path config, Path data, Path runDir, ExecutionOptions options, FaceServices faces) {
        this.runDir = runDir;
        this.cfg = resolveConfig(config, runDir);
        this.model = BaseModelConfig.preset(cfg.preset());
        this.compute = computeType(options.precision());
        List<Device> devices = devices(cfg, options);
        if (cfg.batchSize() < devices.size()) {
            throw new InvalidInputException("batch size " + cfg.batchSize() + " is smaller than the " + devices.size()
                    + " devices", "use a batch of at least one example per device");
        }
        Engine.getEngine(Devices.ENGINE).setRandomSeed((int) cfg.seed());
        this.root = NDManager.newBaseManager(devices.get(0), Devices.ENGINE);
        try {
            for (int i = 0; i < devices.size(); i++) {
                replicas.add(Replica.create(model, cfg, devices.get(i), root, i == 0));
            }
            Stage1Config.Optimizer o = cfg.optimizer();
            AdamW.Settings settings = new AdamW.Settings(o.beta1(), o.beta2(), o.epsilon(), o.weightDecay());
            generatorOptimizer = new AdamW(settings, root);
            discriminatorOptimizer = new AdamW(settings, root);
            generatorSchedule = new CosineSchedule(o.generator().start(), o.generator().end(), cfg.steps());
            discriminatorSchedule = new CosineSchedule(o.discriminator().start(), o.discriminator().end(), cfg.steps());
            checkpoints = new CheckpointStore(runDir, cfg.run().keepCheckpoints());
            stepper = new Stage1Step(cfg);
            source = FolderSource.open(data);
            sampler = new PairSampler(source, faces.croppers(cfg.data().faces(), model.imageSize()),
                    new Augmenter(cfg.data().augmentation()), cfg.seed(), cfg.data().cachedFrames());
            Optional<Path> latest = checkpoints.latest();
            if (latest.isPresent()) {
                restore(latest.get());
            }
            // the configuration in force, so that resuming without naming one continues under it
            AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), ConfigLoader.toJson(cfg).toPrettyString());
            for (int i = 1; i < replicas.size(); i++) {
                replicas.get(i).copyFrom(replicas.get(0));
            }
            LOG.info("stage-1 run in {}: preset {} ({} px), batch {} on {}, {}, {} identities in {}, step {} of {}", runDir,
                    model.name(), model.imageSize(), cfg.batchSize(), devices, compute == DataType.FLOAT32 ? "fp32"
                            : "mixed precision (fp32 weights, " + compute + " computation)",
                    source.identities(), data, step, cfg.steps());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The configuration in force. */
    public Stage1Config config() {
        return cfg;
    }

    /** Steps done. */
    public long step() {
        return step;
    }

    /** The master replica's generator parameters and buffers by name (live arrays). */
    public Map<String, NDArray> generatorWeights() {
        return Replica.arrays(replicas.get(0).generatorParameters);
    }

    /**
     * Takes steps until {@code untilStep} (at most the configured total) or until a stop is asked
     * for, checkpointing at the configured interval, on stop and at the end.
     *
     * @param stop polled after every step; true stops the run after writing a checkpoint
     * @param status called after every logged step and at the end
     * @return the final status
     */
    public TrainingStatus train(long untilStep, BooleanSupplier stop, Consumer<TrainingStatus> status) {
        long end = Math.min(untilStep, cfg.steps());
        int perStep = cfg.batchSize();
        Stage1Config.Run rc = cfg.run();
        Progress progress = new Progress(cfg.steps(), 20);
        long t0 = System.nanoTime();
        progress.report(step, t0);
        Map<String, Double> interval = new LinkedHashMap<>();
        int intervalSteps = 0;
        Map<String, Double> last = Map.of();
        TrainingStatus.State endState = TrainingStatus.State.FINISHED;
        try (LossLog log = new LossLog(runDir.resolve("losses.jsonl"), step);
             Prefetcher<List<Example>> data = new Prefetcher<>(s -> sampler.batch(s, perStep), step,
                     cfg.data().workers(), cfg.data().prefetch());
             ShardUpload uploads = new ShardUpload()) {
            Callable<ShardUpload.Shards> nextShards = () -> ShardUpload.Shards.of(data.next(), replicas, compute);
            if (step < end) {
                uploads.start(nextShards);
            }
            while (step < end) {
                if (stop.getAsBoolean() || Files.exists(runDir.resolve(STOP_FILE))) {
                    endState = TrainingStatus.State.STOPPED;
                    break;
                }
                boolean sample = rc.sampleEvery() > 0 && (step + 1) % rc.sampleEvery() == 0;
                Stage1Step.Result r;
                try (ShardUpload.Shards shards = uploads.take()) {
                    if (step + 1 < end) {
                        // the next step's batch goes onto the device while this step runs
                        uploads.start(nextShards);
                    }
                    r = takeStep(shards.batches(), sample ? rc.sampleRows() : 0);
                }
                step++;
                r.values().forEach((k, v) -> interval.merge(k, v, Double::sum));
                intervalSteps++;
                long now = System.nanoTime();
                progress.report(step, now);
                if (step % rc.logEvery() == 0 || step == end) {
                    Map<String, Double> mean = new LinkedHashMap<>();
                    int n = intervalSteps;
                    interval.forEach((k, v) -> mean.put(k, v / n));
                    log.append(step, (now - t0) / 1e9, mean);
                    last = mean;
                    interval.clear();
                    intervalSteps = 0;
                    LOG.info("step {}/{}  g_total {}  d_hinge {}  l1 {}  |  {} steps/s  ETA {}", step, cfg.steps(),
                            fmt(mean.get("g_total")), fmt(mean.get("d_hinge")), fmt(mean.get("l1_foreground")),
                            String.format("%.3f", progress.stepsPerSecond()), Progress.duration(progress.secondsLeft(step)));
                    status.accept(new TrainingStatus(TrainingStatus.State.RUNNING, step, cfg.steps(), mean,
                            progress.stepsPerSecond(), null));
                }
                if (r.samples() != null) {
                    writeSamples(r.samples());
                }
                if (rc.checkpointEvery() > 0 && step % rc.checkpointEvery() == 0 && step < end) {
                    save();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endState = TrainingStatus.State.STOPPED;
        }
        save();
        if (endState == TrainingStatus.State.STOPPED) {
            try {
                Files.deleteIfExists(runDir.resolve(STOP_FILE));
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", runDir.resolve(STOP_FILE), e.getMessage());
            }
            LOG.info("stopped at step {}: checkpoint written, start again on {} to resume", step, runDir);
        } else if (step < cfg.steps()) {
            endState = TrainingStatus.State.STOPPED;
        }
        plot();
        TrainingStatus done = new TrainingStatus(endState, step, cfg.steps(), last, progress.stepsPerSecond(), null);
        status.accept(done);
        return done;
    }

    /**
     * The type the networks compute in. bf16 keeps fp32's exponent range, so its gradients need no
     * loss scaling; fp16 would (its gradients underflow), which this trainer does not do.
     */
    private static DataType computeType(Precision precision) {
        if (precision == Precision.FP16) {
            throw new InvalidInputException("training does not run in fp16 (its gradients would need loss scaling)",
                    "train with --precision bf16 (mixed precision, on GPUs of the Ampere generation or newer) or fp32");
        }
        return Devices.dataType(precision);
    }

    /** One step on a batch split over the replicas (one shard each); seeds the engine from (seed, step). */
    Stage1Step.Result takeStep(List<DeviceBatch> shards, int sampleRows) {
        Engine.getEngine(Devices.ENGINE).setRandomSeed((int) (PairSampler.stepSeed(cfg.seed(), step) & 0x7fffffff));
        return stepper.run(replicas, shards, generatorOptimizer, discriminatorOptimizer,
                generatorSchedule.rate(step), discriminatorSchedule.rate(step), sampleRows);
    }

    private void writeSamples(Stage1Step.Samples s) {
        List<String> titles = new ArrayList<>(List.of("source", "driver", "output", "cross source"));
        List<List<org.megaportraits.sdk.image.RgbImage>> cols = new ArrayList<>(List.of(s.source(), s.driver(), s.output(),
                s.crossSource()));
        if (s.crossOutput() != null) {
            titles.add("cross output");
            cols.add(s.crossOutput());
        }
        SampleGrid.write(runDir.resolve(String.format("samples/step-%08d.png", step)), titles, cols);
    }

    private void plot() {
        Path log = runDir.resolve("losses.jsonl");
        if (Files.exists(log)) {
            LossPlot.write(LossLog.read(log), runDir.resolve("loss-curves.png"));
        }
    }

    /** Writes a checkpoint of the current state. */
    public Path save() {
        Replica master = replicas.get(0);
        Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>();
        tensors.put("generator", Replica.arrays(master.generatorParameters));
        tensors.put("discriminator", Replica.arrays(master.discriminatorParameters));
        tensors.put("generator.m", generatorOptimizer.state().firstMoments());
        tensors.put("generator.v", generatorOptimizer.state().secondMoments());
        tensors.put("discriminator.m", discriminatorOptimizer.state().firstMoments());
        tensors.put("discriminator.v", discriminatorOptimizer.state().secondMoments());
        ObjectNode state = JSON.createObjectNode();
        state.put("stage", "BASE");
        state.put("generatorOptimizerSteps", generatorOptimizer.state().steps());
        state.put("discriminatorOptimizerSteps", discriminatorOptimizer.state().steps());
        ObjectNode schedule = state.putObject("schedule");
        schedule.put("step", step);
        schedule.put("total", cfg.steps());
        schedule.put("generatorLr", generatorSchedule.rate(step));
        schedule.put("discriminatorLr", discriminatorSchedule.rate(step));
        ObjectNode random = state.putObject("random");
        random.put("seed", cfg.seed());
        random.put("note", "data, augmentation and engine seeds of step k derive from (seed, k)");
        state.set("config", ConfigLoader.toJson(cfg));
        state.set("model", model.toJson());
        Path p = checkpoints.save(new Checkpoint(step, tensors, state));
        LOG.info("checkpoint {}", p);
        return p;
    }

    private void restore(Path dir) {
        try (NDManager scratch = root.newSubManager()) {
            Checkpoint c = CheckpointStore.load(dir, scratch);
            JsonNode saved = c.state().path("config");
            Stage1Config before = ConfigLoader.parse(saved, dir + "/state.json");
            if (!before.preset().equals(cfg.preset()) || !before.discriminator().equals(cfg.discriminator())) {
                throw new InvalidInputException("checkpoint " + dir + " was trained with preset " + before.preset()
                        + " and discriminator " + before.discriminator() + ", the configuration asks for " + cfg.preset()
                        + " and " + cfg.discriminator(), "resume with the run's own config.json, or start a new run folder");
            }
            if (!before.equals(cfg)) {
                LOG.warn("resuming {} with a configuration that differs from the checkpoint's: the run continues "
                        + "under the new one", dir);
            }
            Replica master = replicas.get(0);
            Replica.assign(master.generatorParameters, c.tensors().get("generator"), "checkpoint " + dir);
            Replica.assign(master.discriminatorParameters, c.tensors().get("discriminator"), "checkpoint " + dir);
            generatorOptimizer.restore(new AdamW.State(c.state().path("generatorOptimizerSteps").asLong(),
                    c.tensors().getOrDefault("generator.m", Map.of()), c.tensors().getOrDefault("generator.v", Map.of())),
                    master.generatorWeights);
            discriminatorOptimizer.restore(new AdamW.State(c.state().path("discriminatorOptimizerSteps").asLong(),
                    c.tensors().getOrDefault("discriminator.m", Map.of()),
                    c.tensors().getOrDefault("discriminator.v", Map.of())),
                    master.discriminatorWeights);
            step = c.step();
            LOG.info("resumed {} at step {}", dir, step);
        }
    }

    private static Stage1Config resolveConfig(Path config, Path runDir) {
        if (config != null) {
            return ConfigLoader.load(config);
        }
        Path saved = runDir.resolve(CONFIG_FILE);
        return ConfigLoader.load(Files.exists(saved) ? saved : null);
    }

    private static List<Device> devices(Stage1Config cfg, ExecutionOptions options) {
        List<String> names = cfg.devices().isEmpty() ? List.of(options.device()) : cfg.devices();
        List<Device> out = new ArrayList<>();
        for (String n : names) {
            out.add(Devices.device(new ExecutionOptions(n, options.precision(), 1)));
        }
        return out;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format("%.4f", v);
    }

    @Override
    public void close() {
        if (stepper != null) {
            stepper.close();
        }
        if (sampler != null) {
            sampler.closeCroppers();
        }
        if (source != null) {
            source.close();
        }
        for (Replica r : replicas) {
            r.close();
        }
        if (root != null) {
            root.close();
        }
    }

    /** For tests: parameters of the master's discriminator by name (live arrays). */
    Map<String, NDArray> discriminatorWeights() {
        return Replica.arrays(replicas.get(0).discriminatorParameters);
    }

    /** For tests: the replicas. */
    List<Replica> replicasForTest() {
        return replicas;
    }

    /** For tests: the number of replicas. */
    int replicaCount() {
        return replicas.size();
    }
}
