package org.megaportraits.sdk.face;

import org.megaportraits.sdk.Api;

/** An axis-aligned face box in frame pixels with the detector's confidence in [0, 1]. */
@Api(Api.Status.STABLE)
public record FaceBox(double x, double y, double width, double height, double score) {

    /** Intersection over union with another box. */
    public double iou(FaceBox o) {
        double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        double inter = ix * iy;
        double union = width * height + o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
