package org.megaportraits.training.config;

import java.util.List;
import org.megaportraits.training.data.AugmentationSettings;

/**
 * Configuration of stage-1 (base model) training. See {@code stage1-defaults.json} for the
 * defaults and {@link ConfigLoader} for how a user's file overrides them.
 *
 * @param preset the base model's size preset (as the base-model bundle names them); its image
 *     size is the side of the training crops
 * @param batchSize examples per step (over all devices)
 * @param steps total steps of the run (the schedule's length)
 * @param seed seed of everything random: initial weights, data sampling, augmentations, engine
 * @param devices devices for data-parallel training ({@code cpu}, {@code gpu:N}); empty: the
 *     service's execution options decide
 * @param optimizer AdamW and schedules
 * @param losses loss weights and their settings
 * @param networks pretrained networks of the losses
 * @param discriminator the patch discriminator's shape
 * @param data loading and augmentation
 * @param run logging, samples and checkpoints
 */
public record Stage1Config(String preset, int batchSize, long steps, long seed, List<String> devices,
                           Optimizer optimizer, Losses losses, Networks networks, Discriminator discriminator,
                           Data data, Run run) {

    /** Checks what a JSON schema cannot. */
    public Stage1Config {
        devices = devices == null ? List.of() : List.copyOf(devices);
        require(batchSize >= 1, "batchSize must be at least 1, got " + batchSize);
        require(steps >= 1, "steps must be at least 1, got " + steps);
    }

    static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * AdamW (decoupled weight decay) and the cosine schedules of generator and discriminator.
     *
     * @param generator learning rate of the generator, start and end
     * @param discriminator learning rate of the discriminator, start and end
     */
    public record Optimizer(Schedule generator, Schedule discriminator, double beta1, double beta2, double epsilon,
                            double weightDecay) {
    }

    /** A cosine schedule from {@code start} to {@code end} over the run. */
    public record Schedule(double start, double end) {
    }

    /**
     * Loss weights (paper eq. 4, 5, 8) and settings; a weight of 0 switches a term off.
     *
     * @param l1 foreground pixel L1 weight: not in the paper (default 0); a reconstruction term for
     *     runs without pretrained VGG19 weights
     * @param vgg perceptual VGG19 weight (needs {@code networks.vgg19})
     * @param identity face-identity perceptual weight
     * @param gaze gaze perceptual weight (needs {@code networks.gaze})
     * @param adversarial hinge GAN weight
     * @param featureMatching feature matching weight
     * @param cycle CosFace cycle-consistency weight
     * @param cycleScale CosFace s
     * @param cycleMargin CosFace m
     * @param pyramidLevels levels of the VGG pyramid (4: 512/256/128/64 for 512 crops)
     * @param foregroundColour the flat colour the foreground is composited on, RGB in [0, 1]
     */
    public record Losses(double l1, double vgg, double identity, double gaze, double adversarial, double featureMatching,
                         double cycle, double cycleScale, double cycleMargin, int pyramidLevels,
                         List<Double> foregroundColour) {

        /** Checks the colour. */
        public Losses {
            require(foregroundColour != null && foregroundColour.size() == 3, "foregroundColour needs 3 values");
            require(pyramidLevels >= 1, "pyramidLevels must be at least 1");
        }
    }

    /**
     * Pretrained networks of the perceptual losses, as files the user supplies.
     *
     * @param vgg19 VGG19 weights: our weights format (torchvision names {@code features.N.weight})
     *     or a TorchScript module returning the relu1_1..relu5_1 maps; null: no VGG term
     * @param gaze a gaze network as TorchScript returning feature maps; null: no gaze term
     * @param faceApi folder of the face-api package (recognition net for the identity loss); null:
     *     the default location ({@code -Dportraits.faceapi.dir} or {@code .cache/face-api/package})
     * @param lpips an LPIPS network for evaluation, as TorchScript taking two image batches in
     *     [0, 1] and returning one distance per pair; null: no LPIPS figure
     */
    public record Networks(String vgg19, String gaze, String faceApi, String lpips) {
    }

    /** The multi-scale patch discriminator: scales, first width, conv blocks. */
    public record Discriminator(int scales, int width, int blocks) {
    }

    /**
     * Data loading.
     *
     * @param workers loading threads
     * @param prefetch batches loaded ahead of the device
     * @param cachedFrames cropped frames kept in memory
     * @param faces {@code auto}: crop through the face pipeline when one is installed, else take
     *     frames as crops; {@code pipeline}: require it; {@code precropped}: never use it;
     *     {@code framed}: require it, keep each frame's framing (centred square) and carry the head's
     *     motion inside it in the pose
     * @param augmentation the augmentations
     */
    public record Data(int workers, int prefetch, int cachedFrames, String faces, AugmentationSettings augmentation) {

        /** Checks the mode. */
        public Data {
            require(List.of("auto", "pipeline", "precropped", "framed").contains(faces),
                    "data.faces must be auto, pipeline, precropped or framed, got " + faces);
        }
    }

    /**
     * Run control: a loss line every {@code logEvery} steps, a sample grid every
     * {@code sampleEvery}, a checkpoint every {@code checkpointEvery} (and at stop and end),
     * keeping the newest {@code keepCheckpoints}; {@code sampleRows} examples per grid.
     */
    public record Run(int logEvery, int sampleEvery, int checkpointEvery, int keepCheckpoints, int sampleRows) {
    }
}
