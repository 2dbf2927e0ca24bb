package org.megaportraits.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Identity embeddings of the recognition net on real faces: another view of the same face (the
 * photo moved, shrunk or mirrored, then analysed from scratch) lands closer than any other person
 * of the same photo (people in one photo are certainly different people).
 */
class FaceEmbeddingTest {

    static FaceAnalyzer.Session session;

    @BeforeAll
    static void open() {
        session = new FaceAnalyzerComponent().open(ExecutionOptions.CPU);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void sameFaceIsCloserThanAnyOtherPersonOfThePhoto() {
        double worstSame = 0;
        double closestOther = Double.MAX_VALUE;
        int faces = 0;
        for (int i : new int[] {1, 4, 5}) {
            RgbImage photo = TestPhotos.sample(i);
            List<Face> found = session.detect(photo);
            float[][] e = new float[found.size()][];
            for (int k = 0; k < found.size(); k++) {
                e[k] = session.embed(photo, found.get(k));
                assertEquals(1.0, norm(e[k]), 1e-4, "unit length");
            }
            double[][] same = new double[found.size()][];
            RgbImage moved = TestPhotos.shift(photo, 9, -6);
            RgbImage small = TestPhotos.scale(photo, 0.8);
            RgbImage mirrored = TestPhotos.mirror(photo);
            for (int k = 0; k < found.size(); k++) {
                Face f = found.get(k);
                double cx = f.box().x() + f.box().width() / 2;
                double cy = f.box().y() + f.box().height() / 2;
                same[k] = new double[] {
                    distance(e[k], embedNear(moved, cx + 9, cy - 6)),
                    distance(e[k], embedNear(small, cx * 0.8, cy * 0.8)),
                    distance(e[k], embedNear(mirrored, photo.width() - cx, cy)),
                };
            }
            for (int a = 0; a < found.size(); a++) {
                double others = Double.MAX_VALUE;
                for (int b = 0; b < found.size(); b++) {
                    if (a != b) {
                        others = Math.min(others, distance(e[a], e[b]));
                    }
                }
                double sameMax = Math.max(same[a][0], Math.max(same[a][1], same[a][2]));
                System.out.printf("sample%d face %d: same face moved %.3f, shrunk %.3f, mirrored %.3f; nearest other person %.3f%n",
                        i, a, same[a][0], same[a][1], same[a][2], others);
                assertTrue(sameMax < others, "face " + a + " of sample" + i);
                worstSame = Math.max(worstSame, sameMax);
                closestOther = Math.min(closestOther, others);
                faces++;
            }
        }
        System.out.printf("embeddings of %d faces: largest same-face distance %.3f, smallest distance between two people %.3f%n",
                faces, worstSame, closestOther);
    }

    private float[] embedNear(RgbImage frame, double cx, double cy) {
        Face f = HeadPosePhotosTest.nearest(session.detect(frame), cx, cy);
        return session.embed(frame, f);
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
