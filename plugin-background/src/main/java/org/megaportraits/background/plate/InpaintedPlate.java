package org.megaportraits.background.plate;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/**
 * The classic background plate (the paper uses LaMa, which is not available here): the person's
 * region (matte above {@value #HOLE_ALPHA}, grown by 3 % of the crop so that the hair's halo goes
 * too) is filled by OpenCV's Telea inpainting at 256 pixels, scaled up, and used only inside the
 * hole; everything else keeps its own pixels. Large holes come out smooth and blurry, which is
 * acceptable behind a person who covers most of them.
 */
public final class InpaintedPlate {

    private static final double HOLE_ALPHA = 0.05;
    private static final int WORK_SIZE = 256;
    private static final double INPAINT_RADIUS = 5;

    private InpaintedPlate() {
    }

    /**
     * Plates of a batch.
     *
     * @param images N x 3 x H x W in [0, 1]
     * @param mattes N x 1 x H x W in [0, 1]
     * @return N x 3 x H x W on the images' manager
     */
    public static NDArray plates(NDArray images, NDArray mattes) {
        List<RgbImage> crops = NDImageBatch.toHost(images);
        float[] alpha = mattes.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int plane = crops.get(0).width() * crops.get(0).height();
        // each inpainting is single-threaded in OpenCV: the crops of a batch run side by side
        RgbImage[] out = new RgbImage[crops.size()];
        IntStream.range(0, crops.size()).parallel().forEach(i -> {
            float[] a = new float[plane];
            System.arraycopy(alpha, i * plane, a, 0, plane);
            out[i] = plate(crops.get(i), a);
        });
        return NDImageBatch.fromHost(List.of(out), images.getManager());
    }

    /** The plate of one image given its matte (row by row). */
    static RgbImage plate(RgbImage image, float[] alpha) {
        int w = image.width();
        int h = image.height();
        double k = Math.min(1.0, (double) WORK_SIZE / Math.max(w, h));
        int ww = Math.max(1, (int) Math.round(w * k));
        int wh = Math.max(1, (int) Math.round(h * k));
        byte[] hole = new byte[w * h];
        for (int i = 0; i < hole.length; i++) {
            hole[i] = alpha[i] > HOLE_ALPHA ? (byte) 255 : 0;
        }
        byte[] filled = new byte[w * h * 3];
        byte[] grownHole = new byte[w * h];
        try (Mat rgb = new Mat(h, w, opencv_core.CV_8UC3); Mat mask = new Mat(h, w, opencv_core.CV_8UC1);
             Mat kernel = opencv_imgproc.getStructuringElement(opencv_imgproc.MORPH_ELLIPSE, grow(w, h));
             Mat smallRgb = new Mat(); Mat smallMask = new Mat(); Mat smallFilled = new Mat(); Mat big = new Mat()) {
            rgb.data().put(image.rgb());
            mask.data().put(hole);
            opencv_imgproc.dilate(mask, mask, kernel);
            mask.data().get(grownHole);
            opencv_imgproc.resize(rgb, smallRgb, new Size(ww, wh), 0, 0, opencv_imgproc.INTER_AREA);
            opencv_imgproc.resize(mask, smallMask, new Size(ww, wh), 0, 0, opencv_imgproc.INTER_NEAREST);
            opencv_photo.inpaint(smallRgb, smallMask, smallFilled, INPAINT_RADIUS, opencv_photo.INPAINT_TELEA);
            opencv_imgproc.resize(smallFilled, big, new Size(w, h), 0, 0, opencv_imgproc.INTER_LINEAR);
            big.data().get(filled);
        }
        byte[] src = image.rgb();
        byte[] out = src.clone();
        for (int i = 0; i < grownHole.length; i++) {
            if (grownHole[i] != 0) {
                out[3 * i] = filled[3 * i];
                out[3 * i + 1] = filled[3 * i + 1];
                out[3 * i + 2] = filled[3 * i + 2];
            }
        }
        return new RgbImage(w, h, out);
    }

    private static Size grow(int w, int h) {
        int r = Math.max(1, (int) Math.round(0.03 * Math.max(w, h)));
        return new Size(2 * r + 1, 2 * r + 1);
    }
}
