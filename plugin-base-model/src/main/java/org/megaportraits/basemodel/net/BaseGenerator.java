package org.megaportraits.basemodel.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.megaportraits.nn.layer.NetworkBlock;
import org.megaportraits.nn.warp.GridSampler;
import org.megaportraits.nn.warp.WarpGrid;

/**
 * The whole base generator G_base of the paper, its networks as named children:
 * {@code appearance} (E_app), {@code descriptor} (global descriptor, ResNet-50), {@code expression}
 * (expression encoder, ResNet-18), {@code embedding} (shared input embedding of the warping
 * generators), {@code warpToCanonical} (W_s->), {@code warpToDriver} (W_->d), {@code canonical}
 * (G3D) and {@code decoder} (projection + G2D). Head poses come from outside (the face pipeline)
 * as 4x4 transforms (see {@link org.megaportraits.nn.warp.RigidPose}).
 *
 * <p>Use the stage methods to encode a source once and render many drivers; {@link #forward}
 * runs the full pass of one training step, with inputs {@code [source, mask, canonicalToSource,
 * sourceCrop, driverCrop, driverToCanonical]} and outputs {@code [image, zSource, zDriver]}.
 */
public final class BaseGenerator extends NetworkBlock {

    private final BaseModelConfig cfg;
    private final AppearanceEncoder appearance;
    private final GlobalDescriptorEncoder descriptor;
    private final ExpressionEncoder expression;
    private final MotionEmbedding embedding;
    private final WarpingGenerator warpToCanonical;
    private final WarpingGenerator warpToDriver;
    private final CanonicalVolumeNet canonical;
    private final ImageDecoder decoder;
    private GridSampler.Strategy sampler = GridSampler.Strategy.NATIVE;

    /** The generator of a (validated) configuration; parameters are declared, not yet initialised. */
    public BaseGenerator(BaseModelConfig cfg) {
        this.cfg = cfg.validated();
        appearance = child("appearance", new AppearanceEncoder(cfg));
        descriptor = child("descriptor", new GlobalDescriptorEncoder(cfg));
        expression = child("expression", new ExpressionEncoder(cfg));
        embedding = child("embedding", new MotionEmbedding(cfg));
        warpToCanonical = child("warpToCanonical", new WarpingGenerator(cfg));
        warpToDriver = child("warpToDriver", new WarpingGenerator(cfg));
        canonical = child("canonical", new CanonicalVolumeNet(cfg));
        decoder = child("decoder", new ImageDecoder(cfg));
    }

    /** What a source contributes to every frame, on its device. */
    public record Source(NDArray volume, NDArray descriptor, NDArray expression) {
    }

    /** The configuration. */
    public BaseModelConfig config() {
        return cfg;
    }

    /** E_app. */
    public AppearanceEncoder appearance() {
        return appearance;
    }

    /** The global descriptor network. */
    public GlobalDescriptorEncoder descriptor() {
        return descriptor;
    }

    /** The expression encoder (also used on predictions for the cycle-consistency loss). */
    public ExpressionEncoder expression() {
        return expression;
    }

    /** The warping generators' shared input embedding. */
    public MotionEmbedding embedding() {
        return embedding;
    }

    /** W_s->: removes the source's expression. */
    public WarpingGenerator warpToCanonical() {
        return warpToCanonical;
    }

    /** W_->d: imposes the driver's expression. */
    public WarpingGenerator warpToDriver() {
        return warpToDriver;
    }

    /** G3D. */
    public CanonicalVolumeNet canonical() {
        return canonical;
    }

    /** Projection and G2D. */
    public ImageDecoder decoder() {
        return decoder;
    }

    /** Chooses how volumes are sampled (same result, different speed and memory). */
    public void setSamplerStrategy(GridSampler.Strategy strategy) {
        this.sampler = strategy;
    }

    /**
     * Steps 1 to 5 of the paper: everything that depends on the source alone.
     *
     * @param image             source crops (N, 3, S, S) in [0, 1]
     * @param mask              their foreground mattes (N, 1, S, S), or null for none
     * @param canonicalToSource theta_s^-1 (N, 4, 4): where each canonical point lies in the source crop
     * @param expressionCrop    the crops the source's expression code is taken from (the source
     *                          itself at inference; an augmented copy in training)
     * @return the processed canonical volume G3D(v_c), the descriptor e_s and the code z_s
     */
    public Source encodeSource(ParameterStore store, NDArray image, NDArray mask, NDArray canonicalToSource,
            NDArray expressionCrop, boolean training) {
        NDArray masked = mask == null ? image : image.mul(mask);
        NDArray vs = apply(appearance, store, masked, training);
        NDArray es = apply(descriptor, store, masked, training);
        NDArray zs = expressionCode(store, expressionCrop, training);
        BaseModelConfig.Volume v = cfg.volume();
        NDArray rigid = WarpGrid.transformed(coordinates(canonicalToSource, vs), v.depth(), v.size(), v.size());
        NDArray emb = apply(embedding, store, training, es, zs);
        NDArray toCanonical = warpToCanonical.forward(store, new NDList(emb), training).head();
        NDArray vc = GridSampler.sample(GridSampler.sample(vs, rigid, sampler), toCanonical, sampler);
        return new Source(apply(canonical, store, vc, training), es, zs);
    }

    /** The expression code z of aligned crops (N, 3, h, w). */
    public NDArray expressionCode(ParameterStore store, NDArray crops, boolean training) {
        return apply(expression, store, crops, training);
    }

    /**
     * Steps 7 and 8: renders N frames of a source.
     *
     * @param volume            G3D output (1 or N, C, D, V, V); a single volume serves all N frames
     * @param descriptor        e_s (1 or N, ...)
     * @param z                 the frames' expression codes (N, zDim)
     * @param driverToCanonical theta_d (N, 4, 4): where each output point lies in the canonical frame
     * @return images (N, 3, S, S) in [0, 1]
     */
    public NDArray render(ParameterStore store, NDArray volume, NDArray descriptor, NDArray z,
            NDArray driverToCanonical, boolean training) {
        BaseModelConfig.Volume v = cfg.volume();
        NDArray emb = apply(embedding, store, training, descriptor, z);
        NDArray expressionGrid = warpToDriver.forward(store, new NDList(emb), training).head();
        NDArray rigid = WarpGrid.transformed(coordinates(driverToCanonical, volume), v.depth(), v.size(), v.size());
        NDArray vd = GridSampler.sample(GridSampler.sample(volume, expressionGrid, sampler), rigid, sampler);
        return apply(decoder, store, vd, training);
    }

    /** Grid coordinates stay in fp32 (fp64 for fp64 volumes) whatever the precision of the features. */
    private static NDArray coordinates(NDArray transforms, NDArray volume) {
        DataType t = volume.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        return transforms.toType(t, false);
    }

    /**
     * One full pass: inputs {@code [source, mask, canonicalToSource, sourceCrop, driverCrop,
     * driverToCanonical]} (mask may be an all-ones array), outputs {@code [image, zSource, zDriver]}.
     */
    @Override
    protected NDList run(ParameterStore store, NDList inputs, boolean training) {
        Source s = encodeSource(store, inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3), training);
        NDArray zd = expressionCode(store, inputs.get(4), training);
        NDArray image = render(store, s.volume(), s.descriptor(), zd, inputs.get(5), training);
        return new NDList(image, s.expression(), zd);
    }
}
