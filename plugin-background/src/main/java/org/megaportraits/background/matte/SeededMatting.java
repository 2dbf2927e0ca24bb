package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;
import org.megaportraits.nn.layer.Resample;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.image.RgbImage;

/**
 * What the classic mattes share: seeds from the face ({@link HeadRegions}, from given landmarks or
 * faces found in the crops), hard person labels at a working size of at most 128 pixels (the
 * subclass's solver), feathered (a Gaussian of 1 % of the crop) and scaled back up on the crops'
 * device into a soft matte.
 */
abstract class SeededMatting implements Matting {

    /**
     * The labels are computed on a copy of at most this side. Measured with OpenCV on four demo-photo
     * crops of 512 px: 128 px with 2 iterations gives the matte of 128 px with 4 (IoU 0.9994 to 1.0) in
     * 25-47 ms instead of 35-82 ms per crop on one core; 96 px was 2x faster again but fell to IoU 0.77
     * on one crop.
     */
    static final int WORK_SIZE = 128;

    /** The feather's Gaussian sigma as a share of the crop's larger side. */
    private static final double FEATHER = 0.01;

    private final Function<RgbImage, List<Face>> findFaces;

    /**
     * A matting that finds faces, where no landmarks are given, with {@code findFaces}: the faces of
     * one crop as a face session's {@code detect} lists them. It is called only then (crops that all
     * come with a tracker's landmarks never load the face networks), from whichever thread mattes.
     */
    SeededMatting(Function<RgbImage, List<Face>> findFaces) {
        this.findFaces = findFaces;
    }

    @Override
    public final NDArray matte(NDArray images) {
        return matte(images, null);
    }

    /** Mattes seeded from the given landmarks where known; faces are found only in the other crops. */
    @Override
    public final NDArray matte(NDArray images, List<double[]> landmarks) {
        Shape s = images.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        List<HeadRegions> regions = HeadRegions.forCrops(images, landmarks, findFaces);
        double k = Math.min(1.0, (double) WORK_SIZE / Math.max(w, h));
        int ww = Math.max(1, (int) Math.round(w * k));
        int wh = Math.max(1, (int) Math.round(h * k));
        NDManager owner = images.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            images.tempAttach(scratch);
            NDArray small = Resample.resize(images.toType(DataType.FLOAT32, false), wh, ww);
            NDArray person = labels(small, regions, w, h);
            // feathered at the working size, then scaled up: the same edge as feathering the
            // scaled-up labels, on 1/16 of the pixels of a 512 px crop
            NDArray alpha = SoftMatte.soften(person, FEATHER * Math.max(ww, wh), h, w);
            alpha.attach(owner);
            return alpha;
        }
    }

    /**
     * Hard person labels (1 person, 0 background), N x 1 x h x w float32 on the crops' device, of
     * crops already shrunk to the working size (N x 3 x h x w in [0, 1]); the regions are in the
     * pixels of the full crops, {@code fullWidth} x {@code fullHeight}.
     */
    abstract NDArray labels(NDArray small, List<HeadRegions> regions, int fullWidth, int fullHeight);

    @Override
    public void close() {
        // the face session belongs to the caller
    }
}
