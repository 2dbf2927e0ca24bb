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
import org.megaportraits.sdk.face.FaceBox;

/**
 * 68 landmarks for face boxes. Each box (clipped to its frame) becomes a square of the box's
 * longer side around the box centre, the part outside the box black, as face-api feeds its
 * landmark net; the net's relative coordinates are mapped back to frame coordinates.
 */
public final class LandmarkLocator {

    private static final int SIZE = FaceLandmark68Net.INPUT_SIZE;

    private final FaceLandmark68Net net;

    /** A locator running the given net. */
    public LandmarkLocator(FaceLandmark68Net net) {
        this.net = net;
    }

    /**
     * Landmarks ({@code x0, y0, ...} in frame coordinates) of each box; box k lies in frame
     * {@code frameOf[k]} of {@code frames} (N x 3 x H x W in [0, 1]).
     */
    public List<double[]> locate(NDArray frames, List<FaceBox> boxes, int[] frameOf) {
        if (boxes.isEmpty()) {
            return List.of();
        }
        int k = boxes.size();
        List<double[]> maps = new ArrayList<>(k);
        float[] masks = new float[k * SIZE * SIZE];
        for (int i = 0; i < k; i++) {
            FaceBox b = boxes.get(i);
            double side = Math.max(b.width(), b.height());
            double x0 = b.x() + b.width() / 2 - side / 2;
            double y0 = b.y() + b.height() / 2 - side / 2;
            double scale = side / SIZE;
            maps.add(new double[] {scale, 0, x0, 0, scale, y0});
            // crop pixels whose centre falls inside the box see the frame, the rest is black padding
            for (int v = 0; v < SIZE; v++) {
                double fy = y0 + (v + 0.5) * scale;
                boolean rowIn = fy >= b.y() && fy < b.y() + b.height();
                for (int u = 0; u < SIZE; u++) {
                    double fx = x0 + (u + 0.5) * scale;
                    masks[(i * SIZE + v) * SIZE + u] = rowIn && fx >= b.x() && fx < b.x() + b.width() ? 1f : 0f;
                }
            }
        }
        float[] rel;
        try (NDManager scratch = frames.getManager().newSubManager()) {
            frames.tempAttach(scratch);
            NDArray crops = AffineSampler.sample(frames, maps, frameOf, SIZE, SIZE).toType(DataType.FLOAT32, false);
            NDArray mask = scratch.create(masks, new Shape(k, 1, SIZE, SIZE)).toDevice(crops.getDevice(), false);
            NDList out = net.forward(new ParameterStore(scratch, false), new NDList(crops.mul(mask)), false);
            rel = out.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
        }
        List<double[]> result = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            double[] m = maps.get(i);
            double[] l = new double[136];
            for (int j = 0; j < 68; j++) {
                l[2 * j] = m[2] + rel[i * 136 + 2 * j] * SIZE * m[0];
                l[2 * j + 1] = m[5] + rel[i * 136 + 2 * j + 1] * SIZE * m[4];
            }
            result.add(l);
        }
        return result;
    }
}
