package org.megaportraits.background.matte;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Where a person is likely to be in a head crop: the face itself (a convex outline), the head
 * with its hair (an ellipse over the face reaching up and out) and the neck and shoulders (a
 * trapezoid from under the chin widening down to the bottom edge). Built from the face's 68
 * landmarks, or for an upright head centred in the crop when no face was found.
 */
final class HeadRegions {

    private final double[][] face;
    private final double faceX;
    private final double faceY;
    private final double headX;
    private final double headY;
    private final double headRx;
    private final double headRy;
    private final double torsoX;
    private final double torsoTop;
    private final double torsoTopHalf;
    private final double torsoSpread;

    private HeadRegions(double[][] face, double[] head, double[] torso) {
        this.face = face;
        double cx = 0;
        double cy = 0;
        for (double[] p : face) {
            cx += p[0] / face.length;
            cy += p[1] / face.length;
        }
        this.faceX = cx;
        this.faceY = cy;
        this.headX = head[0];
        this.headY = head[1];
        this.headRx = head[2];
        this.headRy = head[3];
        this.torsoX = torso[0];
        this.torsoTop = torso[1];
        this.torsoTopHalf = torso[2];
        this.torsoSpread = torso[3];
    }

    /**
     * The regions of each crop of a batch (N x 3 x H x W): from its landmarks where given (crop
     * pixels, per crop or null), else from the largest face {@code findFaces} finds in it (at full
     * size), else centred. Crops given the
     * same landmark array (a job's rendered and driver crops) share one regions object, and so
     * their seeds ({@link SeedMaps} draws each object once).
     */
    static List<HeadRegions> forCrops(NDArray images, List<double[]> landmarks, Function<RgbImage, List<Face>> findFaces) {
        int n = (int) images.getShape().get(0);
        if (landmarks != null && landmarks.size() != n) {
            throw new IllegalArgumentException(landmarks.size() + " landmark sets for " + n + " crops");
        }
        List<HeadRegions> regions = new ArrayList<>(n);
        Map<double[], HeadRegions> byLandmarks = new IdentityHashMap<>();
        List<RgbImage> full = null;
        for (int i = 0; i < n; i++) {
            double[] known = landmarks == null ? null : landmarks.get(i);
            if (known != null) {
                regions.add(byLandmarks.computeIfAbsent(known, HeadRegions::ofLandmarks));
                continue;
            }
            if (full == null) {
                full = NDImageBatch.toHost(images);
            }
            RgbImage crop = full.get(i);
            List<Face> found = findFaces.apply(crop);
            regions.add(found.isEmpty() ? centred(crop.width(), crop.height()) : ofLandmarks(found.get(0).landmarks()));
        }
        return regions;
    }

    /** Regions of a face with landmarks {@code x0, y0, ...} in crop pixels. */
    static HeadRegions ofLandmarks(double[] l) {
        List<double[]> outline = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            outline.add(new double[] {l[2 * i], l[2 * i + 1]});
        }
        double faceWidth = Math.hypot(l[32] - l[0], l[33] - l[1]);
        double eyeX = 0;
        double eyeY = 0;
        for (int i = 36; i < 48; i++) {
            eyeX += l[2 * i] / 12;
            eyeY += l[2 * i + 1] / 12;
        }
        double chinX = l[16];
        double chinY = l[17];
        double faceHeight = Math.hypot(chinX - eyeX, chinY - eyeY);
        double[] head = {eyeX, eyeY - 0.15 * faceHeight, 0.8 * faceWidth, 1.25 * faceHeight};
        // neck as wide as 0.9 faces under the chin, shoulders spreading 1.2 widths per face height
        double[] torso = {chinX, chinY - 0.25 * faceHeight, 0.45 * faceWidth, 1.2 * faceWidth / faceHeight};
        return new HeadRegions(hull(outline), head, torso);
    }

    /** Regions of an upright head centred in a crop of the given size (the aligned framing). */
    static HeadRegions centred(int width, int height) {
        List<double[]> outline = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            double a = 2 * Math.PI * i / 24;
            outline.add(new double[] {width * (0.5 + 0.22 * Math.cos(a)), height * (0.52 + 0.3 * Math.sin(a))});
        }
        double[] head = {width * 0.5, height * 0.42, width * 0.32, height * 0.42};
        double[] torso = {width * 0.5, height * 0.75, width * 0.12, 1.5};
        return new HeadRegions(hull(outline), head, torso);
    }

    /** The face outline (convex, in order) shrunk by {@code shrink} towards its centre, as {@link #inFace} tests it. */
    double[][] faceOutline(double shrink) {
        double[][] out = new double[face.length][];
        for (int i = 0; i < face.length; i++) {
            out[i] = new double[] {faceX + (face[i][0] - faceX) * (1 - shrink), faceY + (face[i][1] - faceY) * (1 - shrink)};
        }
        return out;
    }

    /** The head ellipse: centre x, centre y, radius x, radius y. */
    double[] head() {
        return new double[] {headX, headY, headRx, headRy};
    }

    /** The torso: centre x, top y, half width at the top, widening per pixel down (each side). */
    double[] torso() {
        return new double[] {torsoX, torsoTop, torsoTopHalf, torsoSpread};
    }

    /** True inside the face outline shrunk by {@code shrink} (0.1 = 10 % towards its centre). */
    boolean inFace(double x, double y, double shrink) {
        double k = 1 / (1 - shrink);
        return insideConvex(face, faceX + (x - faceX) * k, faceY + (y - faceY) * k);
    }

    /** True inside the head ellipse or the torso, both grown by {@code grow} (1 = as they are). */
    boolean inPerson(double x, double y, double grow) {
        double dx = (x - headX) / (headRx * grow);
        double dy = (y - headY) / (headRy * grow);
        if (dx * dx + dy * dy <= 1) {
            return true;
        }
        double top = torsoTop - (grow - 1) * headRy;
        return y >= top && Math.abs(x - torsoX) <= (torsoTopHalf + torsoSpread * (y - torsoTop)) * grow;
    }

    private static boolean insideConvex(double[][] poly, double x, double y) {
        boolean pos = false;
        boolean neg = false;
        for (int i = 0; i < poly.length; i++) {
            double[] a = poly[i];
            double[] b = poly[(i + 1) % poly.length];
            double cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
            pos |= cross > 0;
            neg |= cross < 0;
            if (pos && neg) {
                return false;
            }
        }
        return true;
    }

    /** Convex hull (Andrew's monotone chain). */
    static double[][] hull(List<double[]> points) {
        List<double[]> p = new ArrayList<>(points);
        p.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
        double[][] h = new double[2 * p.size()][];
        int k = 0;
        for (double[] q : p) {
            while (k >= 2 && turn(h[k - 2], h[k - 1], q) <= 0) {
                k--;
            }
            h[k++] = q;
        }
        for (int i = p.size() - 2, lower = k + 1; i >= 0; i--) {
            double[] q = p.get(i);
            while (k >= lower && turn(h[k - 2], h[k - 1], q) <= 0) {
                k--;
            }
            h[k++] = q;
        }
        double[][] out = new double[k - 1][];
        System.arraycopy(h, 0, out, 0, k - 1);
        return out;
    }

    private static double turn(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
