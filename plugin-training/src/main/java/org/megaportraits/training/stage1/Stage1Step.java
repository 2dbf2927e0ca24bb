package org.megaportraits.training.stage1;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.megaportraits.basemodel.net.BaseGenerator;
import org.megaportraits.nn.tensor.Autograd;
import org.megaportraits.nn.tensor.DeviceTransfer;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.nn.tensor.MixedPrecision;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.training.config.Stage1Config;
import org.megaportraits.training.discriminator.MultiScaleDiscriminator;
import org.megaportraits.training.loss.CosFaceCycleLoss;
import org.megaportraits.training.loss.FeatureMatchingLoss;
import org.megaportraits.training.loss.Foreground;
import org.megaportraits.training.loss.HingeLoss;
import org.megaportraits.training.optim.AdamW;
import org.megaportraits.training.optim.FlatWeights;
import org.megaportraits.nn.tensor.Scalars;

/**
 * One optimisation step of stage 1 over one or more replicas: the generator's step (perceptual,
 * identity, gaze, adversarial, feature-matching and cycle terms; the adversarial gradient flows
 * through the discriminator's judgement of the fake), then the discriminator's (hinge loss on the
 * real image and the detached fake). See the package comment for how replicas combine.
 */
final class Stage1Step implements AutoCloseable {

    /** What a step reports: the logged values, and host copies of images when asked. */
    record Result(Map<String, Double> values, Samples samples) {
    }

    /** Images of the first examples of the first shard, for sample grids. */
    record Samples(List<RgbImage> source, List<RgbImage> driver, List<RgbImage> output, List<RgbImage> crossSource,
                   List<RgbImage> crossOutput) {
    }

    /** What the generator's forward pass of one shard produced. */
    record Forward(NDArray prediction, NDArray crossPrediction, NDArray target, NDArray foregroundPrediction,
                           NDArray zPrediction, NDArray zCross, NDArray zDriver, NDArray zCrossDriver) {

        /** Its arrays that exist (the cross-reenactment ones only with the cycle term). */
        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>();
            for (NDArray a : new NDArray[] {prediction, crossPrediction, target, foregroundPrediction, zPrediction, zCross,
                zDriver, zCrossDriver}) {
                if (a != null) {
                    all.add(a);
                }
            }
            return all;
        }
    }

    /** Runs the generator's backward pass while the step's thread frees the forward pass's arrays. */
    private final ExecutorService backwardThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-backward");
        t.setDaemon(true);
        return t;
    });
    private final Stage1Config.Losses w;
    private final CosFaceCycleLoss cycle;
    private final Foreground foreground;
    private final double expressionCrop;

    Stage1Step(Stage1Config cfg) {
        this.w = cfg.losses();
        this.cycle = new CosFaceCycleLoss(w.cycleScale(), w.cycleMargin());
        List<Double> c = w.foregroundColour();
        this.foreground = new Foreground(new float[] {c.get(0).floatValue(), c.get(1).floatValue(), c.get(2).floatValue()});
        this.expressionCrop = cfg.data().augmentation().expressionCrop();
    }

    /**
     * Runs one step. The master is {@code replicas.get(0)}; optimizers hold the master's state.
     *
     * @param sampleRows how many examples to copy to the host as images (0: none)
     */
    Result run(List<Replica> replicas, List<DeviceBatch> shards, AdamW generatorOptimizer,
               AdamW discriminatorOptimizer, double lrG, double lrD, int sampleRows) {
        Replica master = replicas.get(0);
        int total = shards.stream().mapToInt(s -> s.size).sum();
        Map<String, Double> values = new LinkedHashMap<>();
        PendingValues pending = new PendingValues();
        try (NDScope scope = new NDScope()) {
            StepProfile profile = StepProfile.start();
            List<Forward> forwards = generatorPhase(replicas, shards, pending, profile);
            optimize(generatorOptimizer, master.generatorWeights, lrG, "generator");
            mark(profile, "generator check and optimizer", () -> master.generatorWeights.values());
            for (Replica r : replicas) {
                r.discriminatorWeights.zeroGradients();
            }

            try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                NDArray loss = null;
                for (int r = 0; r < replicas.size(); r++) {
                    Forward f = forwards.get(r);
                    Replica replica = replicas.get(r);
                    replica.store.beginTraining(shards.get(r).source.getDataType(), replica.discriminatorWeights);
                    List<MultiScaleDiscriminator.Judgement> judged = replica.discriminator.judgeTogether(replica.store,
                            f.target, f.foregroundPrediction.stopGradient(), true);
                    MultiScaleDiscriminator.Judgement real = judged.get(0);
                    MultiScaleDiscriminator.Judgement fake = judged.get(1);
                    double share = (double) shards.get(r).size / total;
                    NDArray part = fp32(HingeLoss.discriminator(real.scores(), fake.scores()));
                    pending.add("d_hinge", part, share);
                    meanScore(pending, "d_real_score", real.scores(), share);
                    meanScore(pending, "d_fake_score", fake.scores(), share);
                    part = Scalars.mul(onto(part, master), share);
                    loss = loss == null ? part : loss.add(part);
                }
                gc.backward(loss);
            }
            mark(profile, "discriminator forward and backward", () -> master.discriminatorWeights.gradient());
            for (int r = 1; r < replicas.size(); r++) {
                master.discriminatorWeights.addGradientsOf(replicas.get(r).discriminatorWeights);
            }
            optimize(discriminatorOptimizer, master.discriminatorWeights, lrD, "discriminator");
            mark(profile, "discriminator check and optimizer", () -> master.discriminatorWeights.values());
            for (int r = 1; r < replicas.size(); r++) {
                replicas.get(r).copyFrom(master);
            }
            pending.resolveInto(values);
            values.put("lr_g", lrG);
            values.put("lr_d", lrD);
            return new Result(values, sampleRows > 0 ? samples(shards.get(0), forwards.get(0), sampleRows) : null);
        } finally {
            for (Replica r : replicas) {
                r.store.endTraining();
            }
        }
    }

    /**
     * The generator's half of a step without its optimizer step: forward passes of every replica in
     * one gradient recording, one backward pass of the batch-mean loss, and the replicas' gradients
     * summed onto the master's weights. Call inside an NDScope; the forwards live until it closes.
     * The pass's other arrays and the weights' training views are freed before this returns.
     */
    List<Forward> generatorPhase(List<Replica> replicas, List<DeviceBatch> shards, Map<String, Double> values) {
        PendingValues pending = new PendingValues();
        List<Forward> forwards = generatorPhase(replicas, shards, pending, null);
        pending.resolveInto(values);
        return forwards;
    }

    private List<Forward> generatorPhase(List<Replica> replicas, List<DeviceBatch> shards, PendingValues values,
                                         StepProfile profile) {
        Replica master = replicas.get(0);
        List<Forward> forwards = new ArrayList<>();
        // (the collector turns gradient recording on for the forward pass; the backward pass runs below)
        try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
            // the pass's arrays (some thousands): this thread frees them while another runs the backward pass
            NDScope pass = new NDScope();
            List<NDArray> kept = new ArrayList<>();
            Future<?> backward;
            try {
                NDArray loss = generatorLoss(replicas, shards, forwards, values, profile);
                NDArray seed = loss.onesLike();
                kept.addAll(values.arrays());
                kept.add(loss);
                kept.add(seed);
                forwards.forEach(f -> kept.addAll(f.arrays()));
                kept.forEach(NDScope::unregister);
                backward = backwardThread.submit(() -> Autograd.backward(loss, seed));
            } finally {
                // what the pass made and the rest of the step does not read. Autograd holds what the
                // backward pass needs, so closing these while it runs frees nothing too early; deleting
                // them (and the weights' views) at the step's end held up the next step by about 10 ms
                pass.close();
                for (Replica r : replicas) {
                    r.store.endTraining();
                }
            }
            try {
                finish(backward);
            } finally {
                // the arrays the rest of the step reads belong to the step's scope
                kept.forEach(NDScope::register);
            }
        }
        mark(profile, "generator backward", () -> master.generatorWeights.gradient());
        for (int r = 1; r < replicas.size(); r++) {
            master.generatorWeights.addGradientsOf(replicas.get(r).generatorWeights);
        }
        return forwards;
    }

    /**
     * The forward passes of every replica and the batch-mean loss on the master, with the forwards
     * added to {@code forwards} and every term to {@code values}.
     */
    NDArray generatorLoss(List<Replica> replicas, List<DeviceBatch> shards, List<Forward> forwards, PendingValues values,
                          StepProfile profile) {
        Replica master = replicas.get(0);
        int total = shards.stream().mapToInt(s -> s.size).sum();
        NDArray loss = null;
        for (int r = 0; r < replicas.size(); r++) {
            Replica replica = replicas.get(r);
            // every weight of both networks cast once for this pass; the discriminator judges the
            // fake without being trained by it (no gradient for its weights: its step comes next)
            replica.store.beginTraining(shards.get(r).source.getDataType(), replica.generatorWeights,
                    replica.discriminatorWeights);
            Forward f = generatorForward(replica, shards.get(r));
            mark(profile, "generator forward", f::prediction);
            forwards.add(f);
            double share = (double) shards.get(r).size / total;
            NDArray part = generatorLosses(replicas.get(r), shards.get(r), f, share, values, profile);
            part = Scalars.mul(onto(part, master), share);
            loss = loss == null ? part : loss.add(part);
        }
        if (w.cycle() > 0) {
            NDArray c = cycleLoss(forwards, shards, master);
            values.add("g_cycle", c, 1);
            loss = loss.add(Scalars.mul(c, w.cycle()));
        }
        values.add("g_total", loss, 1);
        mark(profile, "loss: cycle and sum", () -> null);
        return loss;
    }

    private Forward generatorForward(Replica r, DeviceBatch b) {
        BaseGenerator g = r.generator;
        NDArray target = foreground.composite(b.driver, b.driverMatte);
        if (w.cycle() <= 0) {
            BaseGenerator.Source src = g.encodeSource(r.store, b.source, b.sourceMatte, b.canonicalToSource,
                    centre(b.source), true);
            NDArray zDriver = g.expressionCode(r.store, b.driverExpression, true);
            NDArray prediction = g.render(r.store, src.volume(), src.descriptor(), zDriver, b.driverToCanonical, true);
            return new Forward(prediction, null, target, foreground.composite(prediction, b.driverMatte), null, null,
                    zDriver, null);
        }
        // the main and the cross pair go through each network together, as one batch of 2n: the values
        // of two passes up to rounding (every normalisation is per example), half the operations to launch
        int n = b.size;
        String main = "0:" + n;
        String cross = n + ":";
        NDArray sources = b.source.concat(b.crossSource, 0);
        BaseGenerator.Source both = g.encodeSource(r.store, sources, b.sourceMatte.concat(b.crossSourceMatte, 0),
                b.canonicalToSource.concat(b.crossCanonicalToSource, 0), centre(sources), true);
        NDArray zDrivers = g.expressionCode(r.store, b.driverExpression.concat(b.crossDriverExpression, 0), true);
        NDArray zDriver = zDrivers.get(main);
        // both sources driven by the main driver (the cross source's is cross-reenactment)
        NDArray predictions = g.render(r.store, both.volume(), both.descriptor(), zDriver.concat(zDriver, 0),
                b.driverToCanonical.concat(b.driverToCanonical, 0), true);
        NDArray prediction = predictions.get(main);
        NDArray zPredictions = g.expressionCode(r.store, centre(predictions), true);
        return new Forward(prediction, predictions.get(cross), target, foreground.composite(prediction, b.driverMatte),
                zPredictions.get(main), zPredictions.get(cross), zDriver, zDrivers.get(cross));
    }

    /**
     * Waits for the backward pass, to its end even when interrupted (it cannot be cut short, and the
     * step must not go on while it writes gradients); an interruption is passed on afterwards, for
     * the trainer to stop at its next wait. A failure of the pass is rethrown.
     */
    private static void finish(Future<?> backward) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    backward.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("the generator's backward pass failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the backward thread. */
    @Override
    public void close() {
        backwardThread.shutdownNow();
    }

    /** The per-shard terms (each a mean over the shard), weighted and summed; logs each raw term. */
    private NDArray generatorLosses(Replica r, DeviceBatch b, Forward f, double share, PendingValues values,
                                    StepProfile profile) {
        NDArray p = f.foregroundPrediction;
        NDArray t = f.target;
        NDArray total = null;
        NDArray l1 = fp32(p.sub(t).abs().mean());
        values.add("l1_foreground", l1, share);
        // (each mark waits for everything queued so far: any array will do)
        mark(profile, "loss: foreground L1", () -> l1);
        LossNetworks n = r.losses;
        if (w.l1() > 0) {
            total = Scalars.mul(l1, w.l1());
        }
        if (n.vgg != null) {
            total = sum(total, term(values, "g_vgg", n.vgg.loss(p, t), w.vgg(), share));
            mark(profile, "loss: perceptual (VGG19)", () -> l1);
        }
        if (n.identity != null) {
            total = sum(total, term(values, "g_identity", n.identity.loss(p, t, b.chipMaps), w.identity(), share));
            mark(profile, "loss: identity", () -> l1);
        }
        if (n.gaze != null) {
            total = sum(total, term(values, "g_gaze", n.gaze.loss(p, t, b.eyeBandMaps), w.gaze(), share));
            mark(profile, "loss: gaze", () -> l1);
        }
        if (w.adversarial() > 0 || w.featureMatching() > 0) {
            // feature matching needs the real image's features too: one pass over both
            List<MultiScaleDiscriminator.Judgement> judged = w.featureMatching() > 0
                    ? r.discriminator.judgeTogether(r.store, p, t.stopGradient(), true)
                    : List.of(r.discriminator.judge(r.store, p, true));
            MultiScaleDiscriminator.Judgement fake = judged.get(0);
            if (w.adversarial() > 0) {
                total = sum(total, term(values, "g_adversarial", HingeLoss.generator(fake.scores()), w.adversarial(), share));
            }
            if (w.featureMatching() > 0) {
                total = sum(total, term(values, "g_feature_matching",
                        FeatureMatchingLoss.loss(judged.get(1).features(), fake.features()), w.featureMatching(), share));
            }
        }
        mark(profile, "loss: adversarial and feature matching", () -> l1);
        if (total == null) {
            // every term is off: train on the foreground L1 alone
            total = l1;
        }
        return total;
    }

    /**
     * The CosFace cycle loss over all replicas' descriptors, on the master's device. Which pairs are
     * negatives (different identities) is worked out there from the identities the batches brought.
     */
    private NDArray cycleLoss(List<Forward> forwards, List<DeviceBatch> shards, Replica master) {
        NDList anchors = new NDList();
        NDList positives = new NDList();
        NDList negatives = new NDList();
        NDList anchorIdentity = new NDList();
        NDList negativeIdentity = new NDList();
        for (int r = 0; r < forwards.size(); r++) {
            Forward f = forwards.get(r);
            DeviceBatch b = shards.get(r);
            anchors.add(fp32(onto(f.zPrediction, master)));
            anchors.add(fp32(onto(f.zCross, master)));
            positives.add(fp32(onto(f.zDriver, master)));
            positives.add(fp32(onto(f.zDriver, master)));
            negatives.add(fp32(onto(f.zDriver, master)));
            negatives.add(fp32(onto(f.zCrossDriver, master)));
            // both anchors (the main and the cross prediction) show the driver's identity
            NDArray main = onto(b.identityCodes, master);
            anchorIdentity.add(main);
            anchorIdentity.add(main);
            negativeIdentity.add(main);
            negativeIdentity.add(onto(b.crossIdentityCodes, master));
        }
        NDArray a = NDArrays.concat(anchorIdentity).expandDims(1);
        NDArray n = NDArrays.concat(negativeIdentity).expandDims(0);
        NDArray mask = a.neq(n).toType(DataType.FLOAT32, false);
        return cycle.loss(NDArrays.concat(anchors), NDArrays.concat(positives), NDArrays.concat(negatives), mask);
    }

    /** The centred square the expression encoder sees, cut from full crops (differentiable). */
    private NDArray centre(NDArray images) {
        long s = images.getShape().get(3);
        long side = Math.max(1, Math.round(s * expressionCrop));
        long off = (s - side) / 2;
        return images.get(":, :, " + off + ":" + (off + side) + ", " + off + ":" + (off + side));
    }

    private static NDArray term(PendingValues values, String key, NDArray value, double weight, double share) {
        NDArray raw = fp32(value);
        values.add(key, raw, share);
        return Scalars.mul(raw, weight);
    }

    private static NDArray sum(NDArray a, NDArray b) {
        return a == null ? b : a.add(b);
    }

    /** Logs the mean of each scale's scores, averaged over the scales and weighted by {@code share}. */
    private static void meanScore(PendingValues values, String key, NDList scores, double share) {
        for (NDArray a : scores) {
            values.add(key, fp32(a.mean()), share / scores.size());
        }
    }

    /**
     * One optimizer step that refuses non-finite gradients: a NaN would poison every weight and every
     * later checkpoint. (On the CPU, DJL's Number-scalar arithmetic on gradient paths is the usual
     * cause; see the tensor package.)
     */
    private static void optimize(AdamW optimizer, FlatWeights weights, double lr, String network) {
        try {
            optimizer.step(weights, lr);
        } catch (AdamW.NonFiniteGradientsException e) {
            throw new IllegalStateException("the " + network + "'s gradients are not finite; no step taken "
                    + "(the last checkpoint is intact)", e);
        }
    }

    /** Ends a profiled phase; without a profile it does nothing (not even look up the array to wait for). */
    private static void mark(StepProfile profile, String phase, Supplier<NDArray> sync) {
        if (profile != null) {
            profile.end(phase, sync.get());
        }
    }

    /**
     * A loss value or code in fp32: under mixed precision the networks answer in bf16, while the
     * loss arithmetic, its logged values and the backward pass's seed stay in fp32.
     */
    private static NDArray fp32(NDArray a) {
        return MixedPrecision.cast(a, DataType.FLOAT32);
    }

    private static NDArray onto(NDArray a, Replica master) {
        return DeviceTransfer.to(a, master.device);
    }

    private static Samples samples(DeviceBatch b, Forward f, int rows) {
        int n = Math.min(rows, b.size);
        String slice = "0:" + n;
        return new Samples(host(b.source.get(slice)), host(b.driver.get(slice)), host(f.prediction.get(slice)),
                host(b.crossSource.get(slice)), f.crossPrediction == null ? null : host(f.crossPrediction.get(slice)));
    }

    private static List<RgbImage> host(NDArray a) {
        return NDImageBatch.toHost(a.stopGradient());
    }
}
