package org.megaportraits.training.data;

/**
 * Augmentation settings (paper supplement B.1 for videos, section 4.5 for stills).
 *
 * @param flipProbability chance of mirroring the source and the target
 * @param jitter colour jitter of the source and the target
 * @param pairViews {@code shared}: source and target of a pair get the same mirror and the same colour
 *                  jitter (the target stays predictable from the source and the driver's motion);
 *                  {@code independent}: each draws its own (the target's colours and handedness then
 *                  cannot be inferred, and the generator learns to hedge with blur)
 * @param expressionCrop side of the centred square cut for the expression encoder, as a fraction of the crop
 * @param expressionSize side of the expression encoder's input in pixels (128 in the paper)
 * @param expressionWarp {@code tps} (thin-plate spline), {@code elastic} or {@code none}
 * @param warpGrid control points per side of the random warp
 * @param warpSigma standard deviation of the control points' offsets, as a fraction of the image size
 * @param expressionJitter the severe colour jitter of the expression copy
 * @param greyProbability chance of turning the expression copy grey
 * @param stillRotation largest rotation of a still's views, degrees
 * @param stillScale largest relative zoom of a still's views
 * @param stillShift largest shift of a still's views, as a fraction of the crop
 */
public record AugmentationSettings(double flipProbability, ColourJitter jitter, String pairViews, double expressionCrop,
                                   int expressionSize, String expressionWarp, int warpGrid, double warpSigma,
                                   ColourJitter expressionJitter, double greyProbability, double stillRotation,
                                   double stillScale, double stillShift) {

    /** The defaults. */
    public static final AugmentationSettings DEFAULT = new AugmentationSettings(0.5, ColourJitter.MILD, "shared", 0.8, 128,
            "tps", 4, 0.03, ColourJitter.SEVERE, 0.2, 10, 0.1, 0.05);

    /** Checks the values. */
    public AugmentationSettings {
        if (!"shared".equals(pairViews) && !"independent".equals(pairViews)) {
            throw new IllegalArgumentException("pairViews must be shared or independent, got " + pairViews);
        }
        if (!"tps".equals(expressionWarp) && !"elastic".equals(expressionWarp) && !"none".equals(expressionWarp)) {
            throw new IllegalArgumentException("expressionWarp must be tps, elastic or none, got " + expressionWarp);
        }
        if (expressionCrop <= 0 || expressionCrop > 1) {
            throw new IllegalArgumentException("expressionCrop must be in (0, 1], got " + expressionCrop);
        }
        if (warpGrid < 2) {
            throw new IllegalArgumentException("warpGrid must be at least 2, got " + warpGrid);
        }
    }

    /** Whether source and target of a pair share one mirror and one colour jitter. */
    public boolean sharedViews() {
        return "shared".equals(pairViews);
    }
}
