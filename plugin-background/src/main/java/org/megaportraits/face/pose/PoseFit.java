package org.megaportraits.face.pose;

/**
 * A fitted head pose in frame pixels: rotation (row-major 3 x 3, and as yaw, pitch, roll in
 * radians, see {@link org.megaportraits.sdk.face.HeadPose#rotation()} for the convention),
 * scale in pixels per model millimetre, the image position of the head centre, and the
 * root-mean-square distance between the landmarks and the fitted model's projection.
 */
public record PoseFit(double[] rotation, double yaw, double pitch, double roll, double scale,
                      double centreX, double centreY, double rmsError) {

    /** Image position of a model point under this pose (weak perspective). */
    public double[] project(double[] p) {
        double[] r = rotation;
        return new double[] {
            centreX + scale * (r[0] * p[0] + r[1] * p[1] + r[2] * p[2]),
            centreY + scale * (r[3] * p[0] + r[4] * p[1] + r[5] * p[2]),
        };
    }
}
