package org.megaportraits.face.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.megaportraits.face.TestPhotos;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.Precision;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.FaceTracker;
import org.megaportraits.sdk.image.RgbImage;

/**
 * The tracker's key frames: the detector sees fewer frames, the landmarks between come out as when
 * it sees them all, and where key frames disagree every frame between is searched.
 */
class KeyFrameTrackingTest {

    static FaceSession session;
    static RgbImage still;

    @BeforeAll
    static void open() {
        session = (FaceSession) new FaceAnalyzerComponent().open(new ExecutionOptions("cpu", Precision.FP32, 8));
        // one person of sample3 in a 960 x 540 frame
        RgbImage photo = TestPhotos.sample(3);
        int w = 960;
        int h = 540;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(photo.rgb(), ((120 + y) * photo.width() + 1000) * 3, out, y * w * 3, w * 3);
        }
        still = new RgbImage(w, h, out);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void movingHeadGetsTheLandmarksOfDetectingEveryFrame() {
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // a head moving 4 px right and 2 px down per frame, and growing 1 % per frame
            frames.add(TestPhotos.transform(still, new java.awt.geom.AffineTransform(1 + 0.01 * i, 0, 0, 1 + 0.01 * i,
                    4.0 * i - 480 * 0.01 * i, 2.0 * i - 270 * 0.01 * i)));
        }
        List<double[]> every = landmarks(frames, 1, 16);
        // two batches of 8, key frames 0, 4 and 7 in each
        List<double[]> keyed = landmarks(frames, 4, 6);
        double sum = 0;
        double worst = 0;
        for (int i = 0; i < frames.size(); i++) {
            double d = 0;
            for (int j = 0; j < 68; j++) {
                d += Math.hypot(every.get(i)[2 * j] - keyed.get(i)[2 * j], every.get(i)[2 * j + 1] - keyed.get(i)[2 * j + 1]);
            }
            d /= 68;
            sum += d;
            worst = Math.max(worst, d);
        }
        System.out.printf(Locale.ROOT, "key frames every 4 against every frame: mean landmark distance %.2f px, worst frame %.2f px"
                + " (face about 150 px wide)%n", sum / frames.size(), worst);
        assertTrue(sum / frames.size() < 1.5, "mean landmark distance " + sum / frames.size());
        assertTrue(worst < 3, "worst frame " + worst);
    }

    /**
     * The reenact job takes the tracker's two steps apart: batch k+1 is searched on one thread while
     * another completes batch k. That gives what next gives, batch after batch.
     */
    @Test
    void searchingTheNextBatchWhileAnotherThreadCompletesThisOneGivesWhatNextGives() throws Exception {
        List<List<RgbImage>> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            List<RgbImage> batch = new ArrayList<>();
            for (int i = 4 * b; i < 4 * b + 4; i++) {
                batch.add(TestPhotos.transform(still, new java.awt.geom.AffineTransform(1, 0.01 * i, -0.01 * i, 1, 6.0 * i, -3.0 * i)));
            }
            batches.add(batch);
        }
        List<AlignedFaces> alone = new ArrayList<>();
        List<AlignedFaces> apart = new ArrayList<>();
        java.util.concurrent.ExecutorService completing = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (VideoFaceTracker one = new VideoFaceTracker(session, 64, 2); VideoFaceTracker two = new VideoFaceTracker(session, 64, 2)) {
            for (List<RgbImage> batch : batches) {
                alone.add(one.next(batch));
            }
            java.util.concurrent.Future<AlignedFaces> previous = null;
            for (List<RgbImage> batch : batches) {
                FaceTracker.Search search = two.search(batch);
                if (previous != null) {
                    apart.add(previous.get());
                }
                previous = completing.submit(() -> two.complete(search));
            }
            apart.add(previous.get());
            for (int b = 0; b < batches.size(); b++) {
                assertEquals(alone.get(b).transforms(), apart.get(b).transforms(), "crop transforms of batch " + b);
                for (int i = 0; i < 4; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(alone.get(b).faces().get(i).landmarks(),
                            apart.get(b).faces().get(i).landmarks(), "landmarks of frame " + i + " of batch " + b);
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(alone.get(b).crops().toHost().get(3).rgb(),
                        apart.get(b).crops().toHost().get(3).rgb(), "last crop of batch " + b);
            }
            assertEquals(one.detectedFrames(), two.detectedFrames());
            FaceTracker.Search foreign = one.search(batches.get(0));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> two.complete(foreign));
            assertTrue(e.remedy().contains("search"), e.remedy());
        } finally {
            completing.shutdownNow();
            alone.forEach(AlignedFaces::close);
            apart.forEach(AlignedFaces::close);
        }
    }

    /** The landmarks each frame gets with key frames the given distance apart; checks the detector's frame count. */
    private static List<double[]> landmarks(List<RgbImage> frames, int detectEvery, int searched) {
        List<double[]> out = new ArrayList<>();
        try (VideoFaceTracker tracker = new VideoFaceTracker(session, 256, detectEvery);
             AlignedFaces a = tracker.next(frames)) {
            assertTrue(a.detected().stream().allMatch(d -> d));
            a.faces().forEach(f -> out.add(f.landmarks()));
            assertEquals(searched, tracker.detectedFrames(), "frames searched by the detector");
        }
        return out;
    }

    @Test
    void keyFramesThatDisagreeHaveEveryFrameBetweenSearched() {
        RgbImage black = RgbImage.black(still.width(), still.height());
        List<RgbImage> frames = List.of(still, still, still, black, black, still, still, still);
        try (VideoFaceTracker tracker = new VideoFaceTracker(session, 128, 4); AlignedFaces a = tracker.next(frames)) {
            // keys 0, 4 (black) and 7: both gaps are searched frame by frame
            assertEquals(8, tracker.detectedFrames());
            assertEquals(List.of(true, true, true, false, false, true, true, true), a.detected());
            assertEquals(2, tracker.framesWithoutFace());
        }
        // the face bridged across key frames that agree: a face missing from frames between them
        // is not looked for (short occlusions keep the face; 1 looks at every frame)
        List<RgbImage> gap = List.of(still, still, black, still, still);
        try (VideoFaceTracker tracker = new VideoFaceTracker(session, 128, 4); AlignedFaces a = tracker.next(gap)) {
            assertEquals(2, tracker.detectedFrames());
            assertEquals(List.of(true, true, true, true, true), a.detected());
        }
        try (VideoFaceTracker tracker = new VideoFaceTracker(session, 128, 1); AlignedFaces a = tracker.next(gap)) {
            assertEquals(List.of(true, true, false, true, true), a.detected());
        }
    }

    @Test
    void keyFrameDistanceComesFromItsPropertyAndIsChecked() {
        String before = System.getProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY);
        try {
            System.clearProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY);
            assertEquals(VideoFaceTracker.DEFAULT_DETECT_EVERY, VideoFaceTracker.detectEvery());
            System.setProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY, "1");
            assertEquals(1, VideoFaceTracker.detectEvery());
            for (String bad : new String[] {"0", "-2", "four"}) {
                System.setProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY, bad);
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> session.track(256));
                assertTrue(e.getMessage().contains(VideoFaceTracker.DETECT_EVERY_PROPERTY), e.getMessage());
            }
        } finally {
            if (before == null) {
                System.clearProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY);
            } else {
                System.setProperty(VideoFaceTracker.DETECT_EVERY_PROPERTY, before);
            }
        }
    }
}
