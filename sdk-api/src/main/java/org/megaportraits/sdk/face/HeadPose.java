package org.megaportraits.sdk.face;

import org.megaportraits.sdk.Api;

/**
 * Rigid head pose as the base model takes it: yaw, pitch and roll in radians, translation in
 * normalised crop coordinates ([-1, 1] across the crop) and a scale (1 = the mean face size of an
 * aligned crop). The model's transform is theta = S * R * T.
 */
@Api(Api.Status.STABLE)
public record HeadPose(double yaw, double pitch, double roll, double tx, double ty, double tz, double scale) {

    /** A frontal head in the centre of the crop at scale 1. */
    public static final HeadPose FRONTAL = new HeadPose(0, 0, 0, 0, 0, 0, 1);

    /** This pose with another's scale and translation (paper appendix B.6: keep the source's framing). */
    public HeadPose withFramingOf(HeadPose other) {
        return new HeadPose(yaw, pitch, roll, other.tx, other.ty, other.tz, other.scale);
    }
}
