package org.megaportraits.training.data;

import java.util.List;
import java.util.Optional;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Crops through the face pipeline: the largest face is detected, aligned to a square crop, its
 * head pose taken from the alignment, its landmarks mapped into the crop, and its matte made by the
 * compositor when one is given (otherwise the whole crop counts as foreground).
 */
public final class AnalyzerCropper implements FrameCropper {

    private final FaceAnalyzer.Session faces;
    private final Compositor.Session compositor;
    private final int size;

    /** A cropper owning the two sessions (the compositor's may be null). */
    public AnalyzerCropper(FaceAnalyzer.Session faces, Compositor.Session compositor, int size) {
        this.faces = faces;
        this.compositor = compositor;
        this.size = size;
    }

    @Override
    public Optional<CroppedFrame> crop(RgbImage frame) {
        List<Face> found = faces.detect(frame);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Face face = found.get(0);
        try (AlignedFaces aligned = faces.align(List.of(frame), List.of(face), size)) {
            Planar image = Planar.of(aligned.crops().toHost().get(0));
            Planar matte;
            if (compositor != null) {
                try (ImageBatch m = compositor.matte(aligned.crops())) {
                    matte = Planar.matteOf(m.toHost().get(0));
                }
            } else {
                matte = Planar.filled(1, size, size, 1f);
            }
            double[] landmarks = toCrop(face.landmarks(), aligned.transforms().get(0));
            return Optional.of(new CroppedFrame(image, matte, aligned.poses().get(0), landmarks));
        }
    }

    /** Frame landmarks into crop pixels through the inverse of the crop's affine map. */
    static double[] toCrop(double[] frameLandmarks, CropTransform t) {
        double det = t.a00() * t.a11() - t.a01() * t.a10();
        double[] inverse = {
            t.a11() / det, -t.a01() / det, (t.a01() * t.a12() - t.a11() * t.a02()) / det,
            -t.a10() / det, t.a00() / det, (t.a10() * t.a02() - t.a00() * t.a12()) / det};
        return Landmarks.mapped(frameLandmarks, inverse);
    }

    @Override
    public void close() {
        faces.close();
        if (compositor != null) {
            compositor.close();
        }
    }
}
