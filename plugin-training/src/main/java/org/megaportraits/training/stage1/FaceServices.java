package org.megaportraits.training.stage1;

import java.util.function.Supplier;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.training.data.AnalyzerCropper;
import org.megaportraits.training.data.CentreCropper;
import org.megaportraits.training.data.FrameCropper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The face pipeline services a run may use for cropping and matting, each null when not installed.
 *
 * @param analyzer detection, landmarks, pose and alignment
 * @param compositor foreground mattes
 */
public record FaceServices(FaceAnalyzer analyzer, Compositor compositor) {

    /** No face pipeline. */
    public static final FaceServices NONE = new FaceServices(null, null);

    private static final Logger LOG = LoggerFactory.getLogger(FaceServices.class);

    /**
     * Makes croppers (one per loading thread, sessions on the CPU so that loading stays beside the
     * training device) for a faces mode: {@code auto} uses the pipeline when installed, else takes
     * frames as crops; {@code pipeline} requires it; {@code precropped} never uses it; {@code framed}
     * requires it and keeps each frame's framing (centred square), the head's motion inside it
     * carried by the pose.
     *
     * @throws InvalidInputException if the pipeline is required and missing
     */
    public Supplier<FrameCropper> croppers(String mode, int size) {
        boolean pipeline = analyzer != null && !"precropped".equals(mode);
        if (("pipeline".equals(mode) || "framed".equals(mode)) && analyzer == null) {
            throw new InvalidInputException("data.faces is '" + mode + "' but no face analyzer is installed",
                    "install the background bundle (face pipeline), or set data.faces to precropped");
        }
        if (!pipeline) {
            LOG.warn("frames are taken as aligned face crops as they are (centre square), with a frontal head pose "
                    + "and the whole crop as foreground: {}", analyzer == null ? "no face analyzer installed"
                    : "data.faces is precropped");
            return () -> new CentreCropper(size);
        }
        if (compositor == null) {
            LOG.warn("no compositor installed: the whole crop counts as foreground in the losses");
        }
        ExecutionOptions cpu = ExecutionOptions.CPU;
        FaceAnalyzer a = analyzer;
        Compositor c = compositor;
        boolean framed = "framed".equals(mode);
        return () -> new AnalyzerCropper(a.open(cpu), c == null ? null : c.open(cpu), size, framed);
    }
}
