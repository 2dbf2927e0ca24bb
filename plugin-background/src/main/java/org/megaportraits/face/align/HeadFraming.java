package org.megaportraits.face.align;

import org.megaportraits.face.pose.PoseFit;
import org.megaportraits.sdk.face.HeadPose;

/**
 * The square head crop of the paper's pre-processing (VoxCeleb2-style crops around the head with
 * hair and a little neck), placed from the fitted 3-D pose rather than the landmark box, so that
 * its size does not breathe when the head turns: the side is {@value #SIDE_MM} model millimetres
 * (3.8 times the outer eye-corner distance; the face is about 45 % of the crop wide, the whole
 * head with its hair and the neck fit in) and the centre {@value #CENTRE_RAISE_MM} mm above the
 * head centre, which puts the eye line just above the middle of the crop.
 */
public final class HeadFraming {

    /** Crop side in model millimetres. */
    public static final double SIDE_MM = 340;

    /** How far the crop centre lies above the head centre, model millimetres (image up). */
    public static final double CENTRE_RAISE_MM = 15;

    private HeadFraming() {
    }

    /** The standard crop of a fitted head. */
    public static Framing of(PoseFit fit) {
        return new Framing(fit.centreX(), fit.centreY() - CENTRE_RAISE_MM * fit.scale(), SIDE_MM * fit.scale());
    }

    /**
     * The head pose relative to a crop: the fitted rotation; the head centre's offset from where
     * the standard framing would put it, in half crop sides; the head's size relative to the
     * standard framing (1 = the crop is the head's own standard crop).
     */
    public static HeadPose pose(PoseFit fit, Framing crop) {
        double half = crop.side() / 2;
        double tx = (fit.centreX() - crop.centreX()) / half;
        double ty = (fit.centreY() - CENTRE_RAISE_MM * fit.scale() - crop.centreY()) / half;
        return new HeadPose(fit.yaw(), fit.pitch(), fit.roll(), tx, ty, 0, SIDE_MM * fit.scale() / crop.side());
    }
}
