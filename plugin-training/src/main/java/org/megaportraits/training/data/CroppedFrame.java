package org.megaportraits.training.data;

import org.megaportraits.sdk.face.HeadPose;

/**
 * One frame made ready for the model: the aligned square face crop, its foreground matte (1 =
 * person), the head pose, and the 68 landmarks in crop pixels ({@code x0, y0, ...}; null when no
 * face pipeline measured them).
 */
public record CroppedFrame(Planar image, Planar matte, HeadPose pose, double[] landmarks) {

    /** The frame mirrored left to right, with pose and landmarks mirrored to match. */
    public CroppedFrame flipped() {
        HeadPose p = pose;
        HeadPose mirrored = new HeadPose(-p.yaw(), p.pitch(), -p.roll(), -p.tx(), p.ty(), p.tz(), p.scale());
        return new CroppedFrame(image.flipped(), matte.flipped(), mirrored, Landmarks.flipped(landmarks, image.width()));
    }
}
