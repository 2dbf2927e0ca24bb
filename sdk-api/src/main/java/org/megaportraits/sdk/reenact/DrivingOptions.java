package org.megaportraits.sdk.reenact;

import org.megaportraits.sdk.Api;
import org.megaportraits.sdk.InvalidInputException;

/**
 * How driver motion is applied to an avatar (paper appendix B.6). The mode decides the head
 * rotation, expression, scale and translation; the framing may then replace scale and
 * translation by the source's.
 *
 * @param framing   whose scale and translation the output keeps
 * @param mode      absolute driver motion, or the driver's motion relative to a reference frame
 *                  added to the source's
 * @param reference the driver's reference frame (usually its first) for {@link Mode#RELATIVE}
 */
@Api(Api.Status.STABLE)
public record DrivingOptions(Framing framing, Mode mode, Motion reference) {

    /** Whose scale and translation the output takes. */
    public enum Framing {
        /** Keep the source's scale and translation (video calls). */
        SOURCE,
        /**
         * Take the driver's, fully mimicking it (in relative mode: the source's, changed as the
         * driver's changed since the reference frame).
         */
        DRIVER
    }

    /** How motion is taken from the driver. */
    public enum Mode {
        /** The driver's pose and expression as they are. */
        ABSOLUTE,
        /**
         * The driver's change since the reference frame, applied to the source: rotation
         * {@code R_d R_ref^T R_s}, translation {@code t_s + t_d - t_ref}, scale
         * {@code s_s s_d / s_ref}, expression {@code z_s + z_d - z_ref}. With the source itself as
         * reference this equals absolute driving.
         */
        RELATIVE
    }

    /** The paper's default: the driver's full motion. */
    public static final DrivingOptions ABSOLUTE_DRIVER = new DrivingOptions(Framing.DRIVER, Mode.ABSOLUTE, null);

    /** Checks that relative mode has a one-frame reference. */
    public DrivingOptions {
        if (framing == null || mode == null) {
            throw new InvalidInputException("driving options need a framing and a mode", "use DrivingOptions.ABSOLUTE_DRIVER");
        }
        if (mode == Mode.RELATIVE && (reference == null || reference.size() != 1)) {
            throw new InvalidInputException("relative motion needs the motion of one reference frame",
                    "pass the motion of the driver's first frame");
        }
    }
}
