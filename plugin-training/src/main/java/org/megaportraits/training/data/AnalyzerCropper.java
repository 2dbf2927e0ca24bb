package org.megaportraits.training.data;

import java.util.List;
import java.util.Optional;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.image.HostImageBatch;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Crops through the face pipeline: the largest face is detected, aligned to a square crop, its
 * head pose taken from the alignment, its landmarks mapped into the crop, and its matte made by the
 * compositor when one is given (otherwise the whole crop counts as foreground).
 *
 * <p>With {@code keepFraming} the frame is not re-aligned: the crop is the frame's centred square
 * (as the clip was shot, the head moving inside it), and the head pose is the aligned pose carried
 * into that square, so that translation, scale and in-plane rotation of the head show in the pose
 * (the base model's rigid warp) instead of being cropped away.
 */
public final class AnalyzerCropper implements FrameCropper {

    private final FaceAnalyzer.Session faces;
    private final Compositor.Session compositor;
    private final int size;
    private final boolean keepFraming;

    /** A cropper owning the two sessions (the compositor's may be null) that aligns every frame. */
    public AnalyzerCropper(FaceAnalyzer.Session faces, Compositor.Session compositor, int size) {
        this(faces, compositor, size, false);
    }

    /** A cropper owning the two sessions; {@code keepFraming}: see the class comment. */
    public AnalyzerCropper(FaceAnalyzer.Session faces, Compositor.Session compositor, int size, boolean keepFraming) {
        this.faces = faces;
        this.compositor = compositor;
        this.size = size;
        this.keepFraming = keepFraming;
    }

    @Override
    public Optional<CroppedFrame> crop(RgbImage frame) {
        List<Face> found = faces.detect(frame);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Face face = found.get(0);
        if (keepFraming) {
            return Optional.of(framed(frame, face));
        }
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
            double[] landmarks = aligned.cropLandmarks().get(0);
            return Optional.of(new CroppedFrame(image, matte, aligned.poses().get(0), landmarks));
        }
    }

    private CroppedFrame framed(RgbImage frame, Face face) {
        double side = Math.min(frame.width(), frame.height());
        double left = (frame.width() - side) / 2;
        double top = (frame.height() - side) / 2;
        Planar image = Planar.of(frame).cropResize(left, top, side, size);
        CropTransform alignedToFrame;
        HeadPose alignedPose;
        try (AlignedFaces aligned = faces.align(List.of(frame), List.of(face), size)) {
            alignedToFrame = aligned.transforms().get(0);
            alignedPose = aligned.poses().get(0);
        }
        double k = size / side;
        double[] frameToCrop = {k, 0, -left * k, 0, k, -top * k};
        Planar matte;
        if (compositor != null) {
            try (ImageBatch crops = new HostImageBatch(List.of(image.toRgb()));
                 ImageBatch m = compositor.matte(crops)) {
                matte = Planar.matteOf(m.toHost().get(0));
            }
        } else {
            matte = Planar.filled(1, size, size, 1f);
        }
        return new CroppedFrame(image, matte, poseInCrop(alignedPose, alignedToFrame, frameToCrop, size),
                Landmarks.mapped(face.landmarks(), frameToCrop));
    }

    /**
     * A head pose relative to its aligned crop carried into another square crop of side
     * {@code size}: the aligned crop is a similarity of the target crop (scale k, rotation phi,
     * centre c in normalised coordinates), so the head's scale becomes {@code k * s}, its roll
     * {@code roll + phi} and its translation {@code k * Rz(phi) * t + c}.
     *
     * @param alignedToFrame aligned crop pixels to frame pixels
     * @param frameToCrop    frame pixels to target crop pixels, 2 x 3 row-major
     */
    static HeadPose poseInCrop(HeadPose pose, CropTransform alignedToFrame, double[] frameToCrop, int size) {
        double[] c = alignedNormalisedToCrop(0, 0, alignedToFrame, frameToCrop, size);
        double[] e = alignedNormalisedToCrop(1, 0, alignedToFrame, frameToCrop, size);
        double ex = e[0] - c[0];
        double ey = e[1] - c[1];
        double k = Math.hypot(ex, ey);
        double phi = Math.atan2(ey, ex);
        double cos = Math.cos(phi);
        double sin = Math.sin(phi);
        double tx = c[0] + k * (cos * pose.tx() - sin * pose.ty());
        double ty = c[1] + k * (sin * pose.tx() + cos * pose.ty());
        return new HeadPose(pose.yaw(), pose.pitch(), pose.roll() + phi, tx, ty, pose.tz() * k, pose.scale() * k);
    }

    private static double[] alignedNormalisedToCrop(double x, double y, CropTransform a, double[] f, int size) {
        double ax = (x + 1) * a.cropSize() / 2;
        double ay = (y + 1) * a.cropSize() / 2;
        double fx = a.a00() * ax + a.a01() * ay + a.a02();
        double fy = a.a10() * ax + a.a11() * ay + a.a12();
        double cx = f[0] * fx + f[1] * fy + f[2];
        double cy = f[3] * fx + f[4] * fy + f[5];
        return new double[] {2 * cx / size - 1, 2 * cy / size - 1};
    }

    @Override
    public void close() {
        faces.close();
        if (compositor != null) {
            compositor.close();
        }
    }
}
