package org.megaportraits.basemodel.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.sdk.InvalidInputException;

/**
 * Every size of the base model, read from a JSON preset ({@code paper-512}, {@code paper-256},
 * {@code small}; see {@link #preset}). Where the paper and the authors' later code disagree the
 * choice is a value here (G2D residual blocks: paper 8, code 6).
 *
 * @param name                  preset name
 * @param imageSize             side of the source crop and the output image
 * @param groups                group-norm groups everywhere
 * @param weightStandardization weight standardisation on convolutions that follow a normalisation
 * @param standardizeSkips      also on the 1x1 skip convolutions of residual blocks (the paper's "every
 *                              convolution but the first and last"); off in the authors' code and in the
 *                              presets: a standardised 1x1 multiplies the unnormalised residual stream by
 *                              about sqrt(fan-in) per block, which overflows fp16 in G2D
 * @param spectralNorm          spectral normalisation of every convolution and linear layer (training switch)
 * @param volume                the appearance volume
 * @param appearance            appearance encoder E_app
 * @param descriptor            global descriptor (ResNet-50)
 * @param expression            expression encoder (ResNet-18)
 * @param warp                  warping generators W_s and W_d
 * @param canonical             G3D
 * @param decoder               projection and G2D
 */
public record BaseModelConfig(
        String name,
        int imageSize,
        int groups,
        boolean weightStandardization,
        boolean standardizeSkips,
        boolean spectralNorm,
        Volume volume,
        Appearance appearance,
        Descriptor descriptor,
        Expression expression,
        Warp warp,
        Canonical canonical,
        Decoder decoder) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The feature volume: channels C, depth D, height = width = size (paper 96 x 16 x 64 x 64). */
    public record Volume(int channels, int depth, int size) {
    }

    /**
     * @param stemChannels 7x7 input convolution width
     * @param downChannels widths of the residual blocks that halve the resolution, one per halving
     * @param volumeBlocks 3D residual blocks on the volume
     */
    public record Appearance(int stemChannels, int[] downChannels, int volumeBlocks) {
    }

    /**
     * @param inputSize    side the masked source is resized to
     * @param stemChannels ResNet stem width
     * @param stageWidths  bottleneck widths per stage (output 4x)
     * @param stageBlocks  bottlenecks per stage (ResNet-50: 3, 4, 6, 3)
     * @param channels     channels of e_s (after a 1x1 convolution)
     * @param embedSize    e_s is channels x embedSize x embedSize
     */
    public record Descriptor(int inputSize, int stemChannels, int[] stageWidths, int[] stageBlocks, int channels,
            int embedSize) {
    }

    /**
     * @param inputSize    side of the driver crop the encoder sees
     * @param stemChannels ResNet stem width
     * @param stageWidths  basic-block widths per stage
     * @param stageBlocks  basic blocks per stage (ResNet-18: 2, 2, 2, 2)
     * @param zDim         size of the expression code z
     */
    public record Expression(int inputSize, int stemChannels, int[] stageWidths, int[] stageBlocks, int zDim) {
    }

    /**
     * @param seedChannels channels of the 3D seed made from the embedding
     * @param seedDepth    depth of the seed (its height and width are the embedding's)
     * @param channels     output channels of the up-sampling residual blocks, one per doubling
     * @param upsampling   {@code nearest} or {@code trilinear}
     * @param offsetInitGain scale of the offset head's initial weights (small: untrained warps start near identity)
     */
    public record Warp(int seedChannels, int seedDepth, int[] channels, String upsampling, float offsetInitGain) {
    }

    /**
     * @param channels output channels of the encoder level blocks (paper 192, 384, 512); the
     *                 decoder's learned seed has the last level's channels
     */
    public record Canonical(int[] channels) {
    }

    /**
     * @param channels   channels after the projection (1x1 convolution of the reshaped volume)
     * @param blocks     residual blocks at the volume's resolution (paper 8, code 6)
     * @param upChannels output channels of the up-sampling blocks, one per doubling
     */
    public record Decoder(int channels, int blocks, int[] upChannels) {
    }

    /** Names of the presets shipped in this bundle. */
    public static List<String> presets() {
        return List.of("paper-512", "paper-256", "small");
    }

    /**
     * A shipped preset.
     *
     * @throws InvalidInputException for an unknown name
     */
    public static BaseModelConfig preset(String name) {
        String resource = "presets/" + name + ".json";
        try (InputStream in = BaseModelConfig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidInputException("unknown base-model preset '" + name + "'", "use one of " + presets());
            }
            return JSON.readValue(in, BaseModelConfig.class).validated();
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " in the bundle is unreadable", e);
        }
    }

    /** A configuration from JSON (for example a model descriptor's {@code config}). */
    public static BaseModelConfig fromJson(JsonNode node) {
        try {
            return JSON.treeToValue(node, BaseModelConfig.class).validated();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("not a base-model configuration: " + e.getMessage(),
                    "take the configuration from a shipped preset");
        }
    }

    /** This configuration as JSON. */
    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    /** This configuration with spectral normalisation switched on or off. */
    public BaseModelConfig withSpectralNorm(boolean on) {
        return new BaseModelConfig(name, imageSize, groups, weightStandardization, standardizeSkips, on, volume,
                appearance, descriptor, expression, warp, canonical, decoder);
    }

    /**
     * Checks that the sizes fit together.
     *
     * @throws InvalidInputException naming every inconsistency
     */
    public BaseModelConfig validated() {
        List<String> errors = new ArrayList<>();
        requirePowerOfTwoRatio(errors, "imageSize / volume.size", imageSize, volume.size(), appearance.downChannels().length);
        requirePowerOfTwoRatio(errors, "imageSize / decoder upsampling", imageSize, volume.size(), decoder.upChannels().length);
        requirePowerOfTwoRatio(errors, "volume.size / descriptor.embedSize", volume.size(), descriptor.embedSize(),
                warp.channels().length);
        if (descriptor.inputSize() % 32 != 0 || (descriptor.inputSize() / 32) % descriptor.embedSize() != 0) {
            errors.add("descriptor.inputSize / 32 must be a multiple of embedSize");
        }
        int levels = canonical.channels().length;
        if (levels < 1 || volume.size() % (1 << levels) != 0) {
            errors.add("volume.size must be divisible by 2^(canonical levels)");
        }
        if (!"nearest".equals(warp.upsampling()) && !"trilinear".equals(warp.upsampling())) {
            errors.add("warp.upsampling must be nearest or trilinear");
        }
        if (warp.seedDepth() > volume.depth()) {
            errors.add("warp.seedDepth exceeds volume.depth");
        }
        for (int c : allGroupNormChannels()) {
            if (c % groups != 0) {
                errors.add(groups + " groups do not divide " + c + " channels");
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("base-model configuration '" + name + "' is inconsistent: "
                    + String.join("; ", errors), "start from a shipped preset and change sizes together");
        }
        return this;
    }

    private static void requirePowerOfTwoRatio(List<String> errors, String what, int big, int small, int doublings) {
        if ((long) small << doublings != big) {
            errors.add(what + " must be 2^" + doublings + " (" + big + " vs " + small + ")");
        }
    }

    private List<Integer> allGroupNormChannels() {
        List<Integer> c = new ArrayList<>();
        c.add(volume.channels());
        c.add(appearance.stemChannels());
        for (int x : appearance.downChannels()) {
            c.add(x);
        }
        c.add(descriptor.stemChannels());
        for (int x : descriptor.stageWidths()) {
            c.add(x);
        }
        c.add(expression.stemChannels());
        for (int x : expression.stageWidths()) {
            c.add(x);
        }
        c.add(warp.seedChannels());
        for (int x : warp.channels()) {
            c.add(x);
        }
        for (int x : canonical.channels()) {
            c.add(x);
        }
        c.add(decoder.channels());
        for (int x : decoder.upChannels()) {
            c.add(x);
        }
        return c;
    }
}
