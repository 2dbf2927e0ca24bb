package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.megaportraits.nn.tensor.Scalars;

/**
 * GrabCut's four seed labels of head crops, rasterised on the device from their {@link
 * HeadRegions}: inside the face outline shrunk by 10 % the person for certain, inside the head
 * ellipse or torso probably the person, inside those grown by 35 % probably background, elsewhere
 * background for certain. Pixel (x, y) of the working grid is tested at its centre in the full
 * crop's pixels, as {@link GrabCutMatting} labels its seeds on the CPU.
 */
final class SeedMaps {

    static final int BACKGROUND = 0;
    static final int PROBABLY_BACKGROUND = 1;
    static final int PROBABLY_PERSON = 2;
    static final int PERSON = 3;

    /** How far the face outline is shrunk towards its centre for the certain seeds. */
    static final double FACE_SHRINK = 0.1;
    /** Growth of head and torso for the probable-background margin. */
    static final double MARGIN_GROW = 1.35;

    private SeedMaps() {
    }

    /**
     * Labels 0 to 3 as float32, N x 1 x height x width, on the manager's device.
     *
     * @param regions    one per crop; crops sharing a regions object share its drawing
     * @param fullWidth  the crops' width in the pixels the regions are given in
     * @param fullHeight the crops' height in those pixels
     */
    static NDArray labels(NDManager manager, List<HeadRegions> regions, int fullWidth, int fullHeight, int width,
                          int height) {
        Map<HeadRegions, Integer> index = new IdentityHashMap<>();
        List<HeadRegions> distinct = new ArrayList<>();
        for (HeadRegions r : regions) {
            index.computeIfAbsent(r, k -> {
                distinct.add(k);
                return distinct.size() - 1;
            });
        }
        if (distinct.size() == regions.size()) {
            return draw(manager, regions, fullWidth, fullHeight, width, height);
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray drawn = draw(scratch, distinct, fullWidth, fullHeight, width, height);
            NDList rows = new NDList(regions.size());
            for (HeadRegions r : regions) {
                int i = index.get(r);
                rows.add(drawn.get(i + ":" + (i + 1)));
            }
            NDArray labels = NDArrays.concat(rows, 0);
            labels.attach(manager);
            return labels;
        }
    }

    /** The labels of each of {@code regions}, drawn on the device. */
    private static NDArray draw(NDManager manager, List<HeadRegions> regions, int fullWidth, int fullHeight, int width,
                                int height) {
        int n = regions.size();
        int vertices = 0;
        for (HeadRegions r : regions) {
            vertices = Math.max(vertices, r.faceOutline(FACE_SHRINK).length);
        }
        // each outline padded to the longest by repeating its last vertex: a zero-length edge is on
        // both sides of every point, so it decides nothing
        // edges and shapes in one upload (every copy from the host waits for the device's queue)
        int edgeValues = n * vertices * 4;
        float[] packed = new float[edgeValues + n * 8];
        float[] edges = packed;
        float[] shapes = new float[n * 8];
        for (int i = 0; i < n; i++) {
            double[][] outline = regions.get(i).faceOutline(FACE_SHRINK);
            for (int v = 0; v < vertices; v++) {
                double[] a = outline[Math.min(v, outline.length - 1)];
                double[] b = v + 1 < outline.length ? outline[v + 1] : v + 1 == outline.length ? outline[0] : a;
                int o = (i * vertices + v) * 4;
                edges[o] = (float) a[0];
                edges[o + 1] = (float) a[1];
                edges[o + 2] = (float) (b[0] - a[0]);
                edges[o + 3] = (float) (b[1] - a[1]);
            }
            double[] head = regions.get(i).head();
            double[] torso = regions.get(i).torso();
            for (int j = 0; j < 4; j++) {
                shapes[i * 8 + j] = (float) head[j];
                shapes[i * 8 + 4 + j] = (float) torso[j];
            }
        }
        System.arraycopy(shapes, 0, packed, edgeValues, shapes.length);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray uploaded = scratch.create(packed);
            NDArray columns = Scalars.add(scratch.arange(0f, width, 1f), 0.5f);
            NDArray rows = Scalars.add(scratch.arange(0f, height, 1f), 0.5f);
            NDArray x = Scalars.mul(columns, (float) fullWidth / width).reshape(1, 1, 1, width);
            NDArray y = Scalars.mul(rows, (float) fullHeight / height).reshape(1, 1, height, 1);
            NDArray e = uploaded.get("0:" + edgeValues).reshape(n, vertices, 4, 1, 1);
            // cross product of each edge with the vector from its start to the pixel: inside a convex
            // outline it never takes both signs
            NDArray cross = e.get(":, :, 2").mul(y.sub(e.get(":, :, 1"))).sub(e.get(":, :, 3").mul(x.sub(e.get(":, :, 0"))));
            NDArray face = Scalars.gte(cross.min(new int[] {1}, true), 0f)
                    .logicalOr(Scalars.lte(cross.max(new int[] {1}, true), 0f));
            NDArray s = uploaded.get(edgeValues + ":").reshape(n, 8, 1, 1);
            NDArray person = person(s, x, y, 1.0);
            NDArray margin = person(s, x, y, MARGIN_GROW);
            NDArray faceLabel = Scalars.mul(face.toType(DataType.FLOAT32, false), PERSON);
            NDArray personLabel = Scalars.mul(person.toType(DataType.FLOAT32, false), PROBABLY_PERSON);
            NDArray marginLabel = Scalars.mul(margin.toType(DataType.FLOAT32, false), PROBABLY_BACKGROUND);
            NDArray labels = faceLabel.maximum(personLabel).maximum(marginLabel);
            labels.attach(manager);
            return labels;
        }
    }

    /** Inside the head ellipse or the torso grown by {@code grow}, as {@link HeadRegions#inPerson} decides. */
    private static NDArray person(NDArray s, NDArray x, NDArray y, double grow) {
        float g = (float) grow;
        NDArray dx = x.sub(col(s, 0)).div(Scalars.mul(col(s, 2), g));
        NDArray dy = y.sub(col(s, 1)).div(Scalars.mul(col(s, 3), g));
        NDArray ellipse = Scalars.lte(dx.square().add(dy.square()), 1f);
        NDArray top = col(s, 5).sub(Scalars.mul(col(s, 3), g - 1));
        NDArray halfWidth = Scalars.mul(col(s, 6).add(col(s, 7).mul(y.sub(col(s, 5)))), g);
        NDArray torso = y.gte(top).logicalAnd(x.sub(col(s, 4)).abs().lte(halfWidth));
        return ellipse.logicalOr(torso);
    }

    private static NDArray col(NDArray s, int j) {
        return s.get(":, " + j + ":" + (j + 1));
    }
}
