package org.megaportraits.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.align.Framing;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.image.RgbImage;

/** The tracker on short synthetic videos made from a real photo with known motion. */
class FaceTrackerTest {

    static FaceAnalyzer.Session session;
    static RgbImage still;

    @BeforeAll
    static void open() {
        session = new FaceAnalyzerComponent().open(new ExecutionOptions("cpu", Precision.FP32, 4));
        // one person of sample3 in a 960 x 540 frame
        still = region(TestPhotos.sample(3), 1000, 120, 960, 540);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    static RgbImage region(RgbImage src, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src.rgb(), ((y0 + y) * src.width() + x0) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    @Test
    void stillHeadGivesAStillCrop() {
        Random rnd = new Random(3);
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // camera shake of a fraction of a pixel: the detector's answers jitter by more than that
            frames.add(TestPhotos.shift(still, rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5));
        }
        List<Framing> raw = new ArrayList<>();
        for (RgbImage f : frames) {
            try (AlignedFaces one = session.align(List.of(f), List.of(largest(f)), 256)) {
                raw.add(Framing.of(one.transforms().get(0)));
            }
        }
        List<Framing> tracked = new ArrayList<>();
        try (FaceTracker tracker = session.track(256); AlignedFaces out = tracker.next(frames)) {
            assertEquals(16, out.size());
            assertEquals(16, out.crops().size());
            assertTrue(out.detected().stream().allMatch(d -> d));
            out.transforms().forEach(t -> tracked.add(Framing.of(t)));
            TestPhotos.write(TestPhotos.toBuffered(out.crops().toHost().get(0)), "tracker-still-crop0");
        }
        double rawJitter = jitter(raw);
        double trackedJitter = jitter(tracked);
        System.out.printf("still head, 16 frames: crop centre jitter %.2f px per frame raw, %.2f px tracked (crop side %.0f px)%n",
                rawJitter, trackedJitter, tracked.get(0).side());
        assertTrue(trackedJitter < 0.35 * rawJitter, "tracked " + trackedJitter + " vs raw " + rawJitter);
        assertTrue(trackedJitter < 0.5, "tracked jitter " + trackedJitter + " px");
    }

    @Test
    void movingHeadIsFollowed() {
        List<RgbImage> frames = new ArrayList<>();
        int n = 14;
        double step = 8;
        for (int i = 0; i < n; i++) {
            frames.add(TestPhotos.shift(still, -step * n / 2 + step * i, 0));
        }
        try (FaceTracker tracker = session.track(256)) {
            List<Framing> tracked = new ArrayList<>();
            for (int start = 0; start < n; start += 7) {
                try (AlignedFaces out = tracker.next(frames.subList(start, start + 7))) {
                    out.transforms().forEach(t -> tracked.add(Framing.of(t)));
                }
            }
            Framing rawLast;
            try (AlignedFaces one = session.align(List.of(frames.get(n - 1)), List.of(largest(frames.get(n - 1))), 256)) {
                rawLast = Framing.of(one.transforms().get(0));
            }
            double moved = tracked.get(n - 1).centreX() - tracked.get(0).centreX();
            double lag = rawLast.centreX() - tracked.get(n - 1).centreX();
            System.out.printf("head moving %.0f px per frame: crop moved %.1f px over %d frames (true %.0f), lag at the end %.1f px%n",
                    step, moved, n - 1, step * (n - 1), lag);
            assertTrue(Math.abs(moved - step * (n - 1)) < 0.25 * step * (n - 1), "crop follows the head");
            assertTrue(Math.abs(lag) < 3 * step, "lag " + lag);
        }
    }

    @Test
    void framesWithoutFaceReuseTheNearestFaceAndAreReported() {
        RgbImage black = RgbImage.black(still.width(), still.height());
        try (FaceTracker tracker = session.track(128)) {
            try (AlignedFaces out = tracker.next(List.of(black, black, still, still, black, still))) {
                assertEquals(List.of(false, false, true, true, false, true), out.detected());
                // before the first face: the first face found later; a gap: the last face
                assertEquals(out.faces().get(2), out.faces().get(0));
                assertEquals(out.faces().get(2), out.faces().get(1));
                assertEquals(out.faces().get(3), out.faces().get(4));
                assertEquals(3, tracker.framesWithoutFace());
            }
        }
        try (FaceTracker tracker = session.track(128); AlignedFaces out = tracker.next(List.of(black, black))) {
            // no face at all yet: the centred square of the frame
            Framing f = Framing.of(out.transforms().get(0));
            assertEquals(still.width() / 2.0, f.centreX(), 1e-6);
            assertEquals(still.height() / 2.0, f.centreY(), 1e-6);
            assertEquals(still.height(), f.side(), 1e-6);
            assertEquals(List.of(false, false), out.detected());
            assertEquals(0.0, out.faces().get(0).box().score());
        }
    }

    private static Face largest(RgbImage frame) {
        return session.detect(frame).get(0);
    }

    /** Mean frame-to-frame movement of the crop centre. */
    private static double jitter(List<Framing> f) {
        double s = 0;
        for (int i = 1; i < f.size(); i++) {
            s += Math.hypot(f.get(i).centreX() - f.get(i - 1).centreX(), f.get(i).centreY() - f.get(i - 1).centreY());
        }
        return s / (f.size() - 1);
    }
}
