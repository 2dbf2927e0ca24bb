package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.image.RgbImage;

/**
 * The classic matte, without a matting network: GrabCut (OpenCV) seeded from the face. Inside the
 * face outline is certain foreground, the head-and-shoulders region probable foreground, a margin
 * around it probable background, the rest certain background. GrabCut runs at 128 pixels on the
 * CPU; its hard mask is scaled up and feathered (a Gaussian of 1 % of the crop) on the crops'
 * device into a soft matte. Hair
 * strands and fine detail are beyond it; a matting network (see {@link TorchScriptMatting}) does
 * better.
 */
public final class GrabCutMatting extends SeededMatting {

    private static final int ITERATIONS = 2;
    /** The random state each graph cut starts from. */
    private static final int RNG_SEED = 20220707;

    /** A matting that finds faces, where no landmarks are given, with {@code findFaces} (see {@link SeededMatting}). */
    public GrabCutMatting(Function<RgbImage, List<Face>> findFaces) {
        super(findFaces);
    }

    /** Only the graph cuts run on the CPU: the crops come to the host already shrunk to the working size. */
    @Override
    NDArray labels(NDArray small, List<HeadRegions> regions, int fullWidth, int fullHeight) {
        int n = (int) small.getShape().get(0);
        int wh = (int) small.getShape().get(2);
        int ww = (int) small.getShape().get(3);
        List<RgbImage> host = NDImageBatch.toHost(small);
        // the crops' graph cuts, each single-threaded in OpenCV, side by side
        float[] cut = new float[n * ww * wh];
        IntStream.range(0, n).parallel().forEach(i ->
                System.arraycopy(cut(host.get(i), regions.get(i), fullWidth, fullHeight), 0, cut, i * ww * wh, ww * wh));
        return small.getManager().create(cut, new Shape(n, 1, wh, ww));
    }

    /**
     * The graph cut of one crop already shrunk to the working size: seeds from the head regions (in
     * the full crop's pixels, {@code fullWidth} x {@code fullHeight}), 1 where the cut says person.
     */
    private static float[] cut(RgbImage small, HeadRegions regions, int fullWidth, int fullHeight) {
        int ww = small.width();
        int wh = small.height();
        byte[] seeds = seeds(regions, ww, wh, fullWidth, fullHeight);
        byte[] hard = new byte[ww * wh];
        try (Mat image = bgr(small); Mat mask = new Mat(wh, ww, opencv_core.CV_8UC1);
             Mat bgd = new Mat(); Mat fgd = new Mat(); Rect none = new Rect()) {
            mask.data().put(seeds);
            // GrabCut starts its colour models with k-means seeded from the thread's random state:
            // reset it so a crop's matte does not depend on which thread cut what before
            opencv_core.setRNGSeed(RNG_SEED);
            opencv_imgproc.grabCut(image, mask, none, bgd, fgd, ITERATIONS, opencv_imgproc.GC_INIT_WITH_MASK);
            mask.data().get(hard);
        }
        float[] binary = new float[ww * wh];
        for (int i = 0; i < hard.length; i++) {
            int label = hard[i];
            binary[i] = label == opencv_imgproc.GC_FGD || label == opencv_imgproc.GC_PR_FGD ? 1f : 0f;
        }
        return binary;
    }

    /**
     * OpenCV's GrabCut labels of a working grid of {@code width} x {@code height}: each pixel's
     * centre is tested in the full crop's pixels against the face, the person and the margin.
     */
    static byte[] seeds(HeadRegions regions, int width, int height, int fullWidth, int fullHeight) {
        double kx = (double) width / fullWidth;
        double ky = (double) height / fullHeight;
        byte[] seeds = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double fx = (x + 0.5) / kx;
                double fy = (y + 0.5) / ky;
                int label;
                if (regions.inFace(fx, fy, SeedMaps.FACE_SHRINK)) {
                    label = opencv_imgproc.GC_FGD;
                } else if (regions.inPerson(fx, fy, 1.0)) {
                    label = opencv_imgproc.GC_PR_FGD;
                } else if (regions.inPerson(fx, fy, SeedMaps.MARGIN_GROW)) {
                    label = opencv_imgproc.GC_PR_BGD;
                } else {
                    label = opencv_imgproc.GC_BGD;
                }
                seeds[y * width + x] = (byte) label;
            }
        }
        return seeds;
    }

    /** An OpenCV BGR copy of an RGB image. */
    static Mat bgr(RgbImage image) {
        Mat rgb = new Mat(image.height(), image.width(), opencv_core.CV_8UC3);
        rgb.data().put(image.rgb());
        opencv_imgproc.cvtColor(rgb, rgb, opencv_imgproc.COLOR_RGB2BGR);
        return rgb;
    }
}
