package org.megaportraits.face.align;

import org.megaportraits.sdk.face.CropTransform;

/** A square crop of a frame: centre and side in frame coordinates (continuous, pixel corners at integers). */
public record Framing(double centreX, double centreY, double side) {

    /** The map from a crop of {@code cropSize} pixels to the frame. */
    public CropTransform transform(int cropSize, int frameWidth, int frameHeight) {
        double k = side / cropSize;
        return new CropTransform(k, 0, centreX - side / 2, 0, k, centreY - side / 2, cropSize, frameWidth, frameHeight);
    }

    /** The framing a transform describes (its scale and offset; rotation is ignored). */
    public static Framing of(CropTransform t) {
        double side = Math.hypot(t.a00(), t.a10()) * t.cropSize();
        return new Framing(t.frameX(t.cropSize() / 2.0, t.cropSize() / 2.0), t.frameY(t.cropSize() / 2.0, t.cropSize() / 2.0), side);
    }
}
