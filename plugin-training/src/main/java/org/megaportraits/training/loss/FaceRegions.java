package org.megaportraits.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.face.crop.AffineSampler;
import org.megaportraits.face.crop.FaceChips;
import org.megaportraits.nn.tensor.Scalars;

/**
 * Cuts face regions out of aligned crops, differentiably: the recognition net's 150 x 150 chip and
 * a band around both eyes for the gaze term. With landmarks (crop pixels, continuous coordinates)
 * the regions follow the face; without (data cropped beforehand, no face pipeline) fixed boxes of
 * the aligned crop are used.
 */
public final class FaceRegions {

    /** Side of the eye band's height; its width is twice that. */
    public static final int EYE_BAND_HEIGHT = 64;

    /** Fraction of the crop covered by the fallback chip (centred). */
    private static final double FALLBACK_CHIP = 0.6;

    private FaceRegions() {
    }

    /** 150 x 150 identity chips, one per image; {@code landmarks} entries may be null. */
    public static NDArray chips(NDArray images, List<double[]> landmarks) {
        return AffineSampler.sample(images, chipMaps((int) images.getShape().get(3), landmarks), null, FaceChips.SIZE,
                FaceChips.SIZE);
    }

    /** 150 x 150 identity chips through maps already on the images' device (K x 6, K = N; see {@link #toArray}). */
    public static NDArray chips(NDArray images, NDArray maps) {
        return AffineSampler.sample(images, maps, null, FaceChips.SIZE, FaceChips.SIZE, AffineSampler.Border.ZERO);
    }

    /**
     * The maps (chip pixel to crop pixel) of the identity chips of square crops of the given side;
     * {@code landmarks} entries may be null.
     */
    public static List<double[]> chipMaps(int side, List<double[]> landmarks) {
        List<double[]> maps = new ArrayList<>(landmarks.size());
        for (double[] l : landmarks) {
            maps.add(l != null ? FaceChips.chipToImage(l, FaceChips.SIZE)
                    : box(side * (1 - FALLBACK_CHIP) / 2, side * (1 - FALLBACK_CHIP) / 2,
                            side * FALLBACK_CHIP / FaceChips.SIZE, side * FALLBACK_CHIP / FaceChips.SIZE));
        }
        return maps;
    }

    /**
     * Bands of 2h x h around both eyes: the box of landmarks 36..47, widened by half its width
     * on each side and given a 2:1 shape about its centre. Without landmarks, the band at 30-50 %
     * of the crop's height and 20-80 % of its width.
     */
    public static NDArray eyeBands(NDArray images, List<double[]> landmarks) {
        return AffineSampler.sample(images, eyeBandMaps((int) images.getShape().get(3), landmarks), null,
                EYE_BAND_HEIGHT, 2 * EYE_BAND_HEIGHT);
    }

    /** Eye bands through maps already on the images' device (K x 6, K = N; see {@link #toArray}). */
    public static NDArray eyeBands(NDArray images, NDArray maps) {
        return AffineSampler.sample(images, maps, null, EYE_BAND_HEIGHT, 2 * EYE_BAND_HEIGHT, AffineSampler.Border.ZERO);
    }

    /** The maps (band pixel to crop pixel) of the eye bands of square crops of the given side; entries may be null. */
    public static List<double[]> eyeBandMaps(int side, List<double[]> landmarks) {
        int h = EYE_BAND_HEIGHT;
        List<double[]> maps = new ArrayList<>(landmarks.size());
        for (double[] l : landmarks) {
            double x0;
            double y0;
            double bw;
            if (l != null) {
                double minX = Double.MAX_VALUE;
                double maxX = -Double.MAX_VALUE;
                double minY = Double.MAX_VALUE;
                double maxY = -Double.MAX_VALUE;
                for (int i = 36; i < 48; i++) {
                    minX = Math.min(minX, l[2 * i]);
                    maxX = Math.max(maxX, l[2 * i]);
                    minY = Math.min(minY, l[2 * i + 1]);
                    maxY = Math.max(maxY, l[2 * i + 1]);
                }
                bw = (maxX - minX) * 2;
                x0 = (minX + maxX) / 2 - bw / 2;
                y0 = (minY + maxY) / 2 - bw / 4;
            } else {
                bw = side * 0.6;
                x0 = side * 0.2;
                y0 = side * 0.4 - bw / 4;
            }
            maps.add(box(x0, y0, bw / (2 * h), bw / (2 * h)));
        }
        return maps;
    }

    /** Maps as the K x 6 array on {@code manager}'s device that {@link #chips} and {@link #eyeBands} take (one copy). */
    public static NDArray onDevice(List<double[]> maps, NDManager manager) {
        return Scalars.owned(manager.create(toArray(maps), new Shape(maps.size(), 6)));
    }

    /** Maps as the K x 6 row-major floats the array forms of {@link #chips} and {@link #eyeBands} take. */
    public static float[] toArray(List<double[]> maps) {
        float[] all = new float[maps.size() * 6];
        for (int i = 0; i < maps.size(); i++) {
            for (int j = 0; j < 6; j++) {
                all[i * 6 + j] = (float) maps.get(i)[j];
            }
        }
        return all;
    }

    /** The map of an axis-aligned box: output (u, v) reads (x0 + sx u, y0 + sy v). */
    private static double[] box(double x0, double y0, double sx, double sy) {
        return new double[] {sx, 0, x0, 0, sy, y0};
    }
}
