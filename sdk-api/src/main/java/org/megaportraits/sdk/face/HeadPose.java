package org.megaportraits.sdk.face;

import org.megaportraits.sdk.Api;

/**
 * Rigid head pose as the base model takes it: yaw, pitch and roll in radians, translation in
 * normalised crop coordinates ([-1, 1] across the crop) and a scale (1 = the mean face size of an
 * aligned crop). The model's transform is theta = S * R * T.
 *
 * <p>Axes are the camera's: x to the image's right, y down, z away from the viewer. The rotation
 * is {@code R = Rz(roll) * Ry(yaw) * Rx(pitch)} (see {@link #rotation()}), so for a face looking
 * at the camera: yaw &gt; 0 turns the nose towards the image's left (the person's right), pitch
 * &gt; 0 tips the nose down, roll &gt; 0 turns the face clockwise on screen. The translation is how
 * far the head centre lies from where an aligned crop puts it, in half crop sides; tz is 0 when
 * the pose comes from 2-D landmarks (a weak-perspective fit cannot see depth).
 */
@Api(Api.Status.STABLE)
public record HeadPose(double yaw, double pitch, double roll, double tx, double ty, double tz, double scale) {

    /** A frontal head in the centre of the crop at scale 1. */
    public static final HeadPose FRONTAL = new HeadPose(0, 0, 0, 0, 0, 0, 1);

    /** This pose with another's scale and translation (paper appendix B.6: keep the source's framing). */
    public HeadPose withFramingOf(HeadPose other) {
        return new HeadPose(yaw, pitch, roll, other.tx, other.ty, other.tz, other.scale);
    }

    /** The rotation matrix {@code Rz(roll) * Ry(yaw) * Rx(pitch)}, row-major 3 x 3. */
    @Api(Api.Status.STABLE)
    public double[] rotation() {
        double ca = Math.cos(pitch);
        double sa = Math.sin(pitch);
        double cb = Math.cos(yaw);
        double sb = Math.sin(yaw);
        double cg = Math.cos(roll);
        double sg = Math.sin(roll);
        return new double[] {
            cg * cb, cg * sb * sa - sg * ca, cg * sb * ca + sg * sa,
            sg * cb, sg * sb * sa + cg * ca, sg * sb * ca - cg * sa,
            -sb, cb * sa, cb * ca,
        };
    }
}
