package org.megaportraits.face.detect;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.megaportraits.face.net.SsdMobileNetV1;
import org.megaportraits.sdk.face.FaceBox;

/**
 * Face boxes in whole frames: each frame is padded at the bottom or right to a square (as face-api
 * does), shrunk to 512 x 512 by area averaging, run through the SSD detector, and the boxes kept
 * by non-maximum suppression are scaled back to frame pixels and clipped to the frame.
 */
public final class FaceDetector {

    /** face-api's defaults: score above 0.5, suppress boxes overlapping a better one by more than 0.5. */
    public static final double MIN_SCORE = 0.5;
    private static final double MAX_IOU = 0.5;
    private static final int MAX_RESULTS = 100;

    private final SsdMobileNetV1 net;
    private final double minScore;

    /** A detector keeping faces scored above {@code minScore}. */
    public FaceDetector(SsdMobileNetV1 net, double minScore) {
        this.net = net;
        this.minScore = minScore;
    }

    /**
     * The faces of each frame, best score first.
     *
     * @param frames N x 3 x H x W in [0, 1] on the net's device
     */
    public List<List<FaceBox>> detect(NDArray frames) {
        int h = (int) frames.getShape().get(2);
        int w = (int) frames.getShape().get(3);
        int side = Math.max(h, w);
        float[] boxes;
        float[] scores;
        int n = (int) frames.getShape().get(0);
        try (NDManager scratch = frames.getManager().newSubManager()) {
            // results belong to the first operand's manager: lend the frames to scratch for the call
            frames.tempAttach(scratch);
            NDArray x = frames.toType(DataType.FLOAT32, false);
            if (side != h || side != w) {
                // torch pad order: (left, right, top, bottom)
                x = x.pad(new ai.djl.ndarray.types.Shape(0, side - w, 0, side - h), 0);
            }
            if (side != SsdMobileNetV1.INPUT_SIZE) {
                int mode = side > SsdMobileNetV1.INPUT_SIZE ? Image.Interpolation.AREA.ordinal() : Image.Interpolation.BILINEAR.ordinal();
                x = x.getNDArrayInternal().interpolation(new long[] {SsdMobileNetV1.INPUT_SIZE, SsdMobileNetV1.INPUT_SIZE},
                        mode, false);
            }
            NDList out = net.forward(new ParameterStore(scratch, false), new NDList(x.toType(DataType.FLOAT32, false)), false);
            // boxes and scores in one read: every read waits for the device's whole queue, other threads' work included
            long anchors = out.get(1).getShape().size();
            float[] both = out.get(0).toType(DataType.FLOAT32, false).reshape(-1)
                    .concat(out.get(1).toType(DataType.FLOAT32, false).reshape(-1)).toFloatArray();
            boxes = Arrays.copyOfRange(both, 0, (int) (4 * anchors));
            scores = Arrays.copyOfRange(both, (int) (4 * anchors), both.length);
        }
        int a = SsdMobileNetV1.ANCHORS;
        List<List<FaceBox>> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] b = new float[4 * a];
            float[] sc = new float[a];
            System.arraycopy(boxes, 4 * a * i, b, 0, 4 * a);
            System.arraycopy(scores, a * i, sc, 0, a);
            List<FaceBox> faces = new ArrayList<>();
            for (int k : NonMaxSuppression.select(b, sc, minScore, MAX_IOU, MAX_RESULTS)) {
                double top = clamp(b[4 * k] * side, h);
                double left = clamp(b[4 * k + 1] * side, w);
                double bottom = clamp(b[4 * k + 2] * side, h);
                double right = clamp(b[4 * k + 3] * side, w);
                if (bottom - top >= 1 && right - left >= 1) {
                    faces.add(new FaceBox(left, top, right - left, bottom - top, sc[k]));
                }
            }
            result.add(faces);
        }
        return result;
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
