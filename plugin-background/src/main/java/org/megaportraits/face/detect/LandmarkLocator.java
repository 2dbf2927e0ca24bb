package org.megaportraits.face.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.face.crop.AffineSampler;
import org.megaportraits.face.net.FaceLandmark68Net;
import org.megaportraits.face.pose.PoseFit;
import org.megaportraits.nn.tensor.Scalars;
import org.megaportraits.sdk.face.FaceBox;

/**
 * 68 landmarks in two passes. The first feeds the net as face-api does: the detector's box grown
 * to a square of its longer side around its centre, black outside the box. The second cuts the
 * square again from the head pose fitted to the first pass, turned so that the face is upright,
 * with the size and placement a detector box has on an upright face; the net, which has seen few
 * tilted faces, is much more accurate on it when the head is tilted.
 */
public final class LandmarkLocator {

    private static final int SIZE = FaceLandmark68Net.INPUT_SIZE;

    /**
     * A detector box on an upright face, in model millimetres (measured on the 22 faces of the
     * demo photos): about 135 wide, 200 high, centred on the model point (0, 0, -25).
     */
    private static final double BOX_HEIGHT_MM = 200;
    private static final double BOX_WIDTH_MM = 135;
    private static final double[] BOX_CENTRE_MM = {0, 0, -25};

    /** Landmark j of a face is landmark MIRROR[j] of its mirror image (iBUG 68 numbering). */
    static final int[] MIRROR = new int[68];

    static {
        for (int i = 0; i <= 16; i++) {
            MIRROR[i] = 16 - i;
        }
        for (int i = 17; i <= 26; i++) {
            MIRROR[i] = 43 - i;
        }
        for (int i = 27; i <= 30; i++) {
            MIRROR[i] = i;
        }
        for (int i = 31; i <= 35; i++) {
            MIRROR[i] = 66 - i;
        }
        int[][] eyes = {{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}};
        for (int[] e : eyes) {
            MIRROR[e[0]] = e[1];
            MIRROR[e[1]] = e[0];
        }
        for (int i = 48; i <= 54; i++) {
            MIRROR[i] = 102 - i;
        }
        for (int i = 55; i <= 59; i++) {
            MIRROR[i] = 114 - i;
        }
        for (int i = 60; i <= 64; i++) {
            MIRROR[i] = 124 - i;
        }
        for (int i = 65; i <= 67; i++) {
            MIRROR[i] = 132 - i;
        }
    }

    private final FaceLandmark68Net net;

    /** A locator running the given net. */
    public LandmarkLocator(FaceLandmark68Net net) {
        this.net = net;
    }

    /**
     * First pass: landmarks ({@code x0, y0, ...} in frame coordinates) of each box; box k lies in
     * frame {@code frameOf[k]} of {@code frames} (N x 3 x H x W in [0, 1]).
     */
    public List<double[]> locate(NDArray frames, List<FaceBox> boxes, int[] frameOf) {
        List<double[]> maps = new ArrayList<>(boxes.size());
        List<double[]> windows = new ArrayList<>(boxes.size());
        for (FaceBox b : boxes) {
            double side = Math.max(b.width(), b.height());
            double scale = side / SIZE;
            maps.add(new double[] {scale, 0, b.x() + b.width() / 2 - side / 2, 0, scale, b.y() + b.height() / 2 - side / 2});
            windows.add(new double[] {b.width() / side, b.height() / side});
        }
        return run(frames, maps, windows, frameOf);
    }

    /** Second pass: landmarks from upright crops placed by the poses fitted to the first pass. */
    public List<double[]> refine(NDArray frames, List<PoseFit> fits, int[] frameOf) {
        List<double[]> maps = new ArrayList<>(fits.size());
        List<double[]> windows = new ArrayList<>(fits.size());
        for (PoseFit fit : fits) {
            double[] c = fit.project(BOX_CENTRE_MM);
            double k = BOX_HEIGHT_MM * fit.scale() / SIZE;
            double cos = Math.cos(fit.roll()) * k;
            double sin = Math.sin(fit.roll()) * k;
            double h = SIZE / 2.0;
            maps.add(new double[] {cos, -sin, c[0] - cos * h + sin * h, sin, cos, c[1] - sin * h - cos * h});
            windows.add(new double[] {BOX_WIDTH_MM / BOX_HEIGHT_MM, 1});
        }
        return run(frames, maps, windows, frameOf);
    }

    /**
     * Runs the net on crops through {@code maps} (crop to frame); each crop is black outside a
     * centred window of the given relative width and height.
     */
    private List<double[]> run(NDArray frames, List<double[]> maps, List<double[]> windows, int[] frameOf) {
        int k = maps.size();
        if (k == 0) {
            return List.of();
        }
        // maps, sources and windows in one upload: every copy from the host waits for the device
        float[] packed = new float[k * 9];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < 6; j++) {
                packed[i * 9 + j] = (float) maps.get(i)[j];
            }
            packed[i * 9 + 6] = frameOf[i];
            packed[i * 9 + 7] = (float) (windows.get(i)[0] * SIZE / 2);
            packed[i * 9 + 8] = (float) (windows.get(i)[1] * SIZE / 2);
        }
        float[] rel;
        try (NDManager scratch = frames.getManager().newSubManager()) {
            frames.tempAttach(scratch);
            NDArray all = scratch.create(packed, new Shape(k, 9));
            NDArray crops = AffineSampler.sample(frames, all.get(":, 0:6"), all.get(":, 6"), SIZE, SIZE,
                    AffineSampler.Border.ZERO).toType(DataType.FLOAT32, false);
            // black outside the centred window: |pixel centre - SIZE/2| <= half the window, per axis
            NDArray centre = Scalars.add(scratch.arange(0f, SIZE, 1f), 0.5f - SIZE / 2f).abs();
            NDArray inRow = centre.reshape(1, 1, 1, SIZE).lte(all.get(":, 7").reshape(k, 1, 1, 1));
            NDArray inColumn = centre.reshape(1, 1, SIZE, 1).lte(all.get(":, 8").reshape(k, 1, 1, 1));
            NDArray masked = crops.mul(inRow.logicalAnd(inColumn).toType(DataType.FLOAT32, false));
            // the crops and their mirror images in one batch: averaging the two answers cancels
            // the net's left-right bias (yaw read off the landmarks would otherwise lean one way)
            NDArray both = masked.concat(masked.flip(3), 0);
            NDList out = net.forward(new ParameterStore(scratch, false), new NDList(both), false);
            rel = out.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
        }
        List<double[]> result = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            double[] m = maps.get(i);
            double[] l = new double[136];
            int mirrored = (k + i) * 136;
            for (int j = 0; j < 68; j++) {
                int jm = MIRROR[j];
                double u = (rel[i * 136 + 2 * j] + 1 - rel[mirrored + 2 * jm]) / 2 * SIZE;
                double v = (rel[i * 136 + 2 * j + 1] + rel[mirrored + 2 * jm + 1]) / 2 * SIZE;
                l[2 * j] = m[0] * u + m[1] * v + m[2];
                l[2 * j + 1] = m[3] * u + m[4] * v + m[5];
            }
            result.add(l);
        }
        return result;
    }
}
