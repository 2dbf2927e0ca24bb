package org.megaportraits.training.stage1;

import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.FaceAnalyzer;

/**
 * The face pipeline services a run may use for cropping and matting, each null when not installed.
 *
 * @param analyzer detection, landmarks, pose and alignment
 * @param compositor foreground mattes
 */
public record FaceServices(FaceAnalyzer analyzer, Compositor compositor) {

    /** No face pipeline. */
    public static final FaceServices NONE = new FaceServices(null, null);
}
