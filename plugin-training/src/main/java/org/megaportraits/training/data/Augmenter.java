package org.megaportraits.training.data;

import java.util.Random;
import org.megaportraits.sdk.face.HeadPose;

/**
 * The augmentations of stage-1 training. All return new images; cached crops are never changed.
 */
public final class Augmenter {

    private final AugmentationSettings s;

    /** An augmenter with the given settings. */
    public Augmenter(AugmentationSettings settings) {
        this.s = settings;
    }

    /** The settings. */
    public AugmentationSettings settings() {
        return s;
    }

    /** A source or target view: a random mirror (pose and landmarks follow). */
    public CroppedFrame mirror(CroppedFrame frame, Random rng) {
        return rng.nextDouble() < s.flipProbability() ? frame.flipped() : frame;
    }

    /** Source and target of a pair mirrored and colour-jittered as {@link AugmentationSettings#pairViews} says. */
    public CroppedFrame[] views(CroppedFrame source, CroppedFrame target, Random rng) {
        if (!s.sharedViews()) {
            return new CroppedFrame[] {mirror(source, rng), mirror(target, rng)};
        }
        boolean flip = rng.nextDouble() < s.flipProbability();
        return new CroppedFrame[] {flip ? source.flipped() : source, flip ? target.flipped() : target};
    }

    /** Colour jitter of a view's image (matte, pose and landmarks unchanged). */
    public CroppedFrame jitter(CroppedFrame frame, Random rng) {
        return new CroppedFrame(s.jitter().apply(frame.image(), rng), frame.matte(), frame.pose(), frame.landmarks());
    }

    /**
     * The expression encoder's copy of the driver: the centred square of side
     * {@code expressionCrop}, resized to {@code expressionSize}, warped by a random thin-plate
     * spline or elastic grid, severely colour-jittered, and grey with some probability.
     */
    public Planar expression(Planar driver, Random rng) {
        int n = s.expressionSize();
        double side = driver.width() * s.expressionCrop();
        Planar x = driver.cropResize((driver.width() - side) / 2, (driver.height() - side) / 2, side, n);
        switch (s.expressionWarp()) {
            case "tps" -> x = x.remap(n, n, ThinPlateSpline.random(n, n, s.warpGrid(), s.warpSigma(), rng));
            case "elastic" -> x = x.remap(n, n, ElasticGrid.random(n, n, s.warpGrid(), s.warpSigma(), rng));
            default -> {
            }
        }
        x = s.expressionJitter().apply(x, rng);
        if (rng.nextDouble() < s.greyProbability()) {
            x = ColourJitter.greyscale(x);
        }
        return x;
    }

    /**
     * A view of a still image (paper 4.5: random crops and rotations): the crop turned by up to
     * {@code stillRotation} degrees about its centre, zoomed by up to {@code stillScale} and
     * shifted by up to {@code stillShift}. The pose follows (the convention of
     * {@code org.megaportraits.nn.warp.RigidPose}): roll by the turn, scale by the zoom, the
     * translation moves with the image; landmarks are moved exactly.
     */
    public CroppedFrame stillView(CroppedFrame frame, Random rng) {
        double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * s.stillRotation());
        double zoom = 1 + (rng.nextDouble() * 2 - 1) * s.stillScale();
        double shiftX = (rng.nextDouble() * 2 - 1) * s.stillShift();
        double shiftY = (rng.nextDouble() * 2 - 1) * s.stillShift();
        int w = frame.image().width();
        int h = frame.image().height();
        double cx = w / 2.0;
        double cy = h / 2.0;
        double cos = Math.cos(angle) * zoom;
        double sin = Math.sin(angle) * zoom;
        // forward map (continuous pixel coordinates): p' = centre + shift + zoom * R(angle) * (p - centre)
        double tx = cx + shiftX * w - cos * cx + sin * cy;
        double ty = cy + shiftY * h - sin * cx - cos * cy;
        double[] forward = {cos, -sin, tx, sin, cos, ty};
        double det = cos * cos + sin * sin;
        double[] inverse = {cos / det, sin / det, -(cos * tx + sin * ty) / det,
            -sin / det, cos / det, (sin * tx - cos * ty) / det};
        Planar.CoordinateMap back = (x, y, out) -> {
            // remap works with pixel centres at integers; the affine maps with centres at i + 0.5
            double u = x + 0.5;
            double v = y + 0.5;
            out[0] = inverse[0] * u + inverse[1] * v + inverse[2] - 0.5;
            out[1] = inverse[3] * u + inverse[4] * v + inverse[5] - 0.5;
        };
        Planar image = frame.image().remap(h, w, back);
        Planar matte = frame.matte().remap(h, w, back);
        // a head at s R p + t (x right, y down, [-1, 1] across the crop) now appears at
        // zoom Rz(angle) (s R p + t) + 2 shift: roll grows by the angle, scale and translation follow
        HeadPose p = frame.pose();
        HeadPose pose = new HeadPose(p.yaw(), p.pitch(), p.roll() + angle,
                cos * p.tx() - sin * p.ty() + 2 * shiftX, sin * p.tx() + cos * p.ty() + 2 * shiftY,
                zoom * p.tz(), p.scale() * zoom);
        return new CroppedFrame(image, matte, pose, Landmarks.mapped(frame.landmarks(), forward));
    }
}
