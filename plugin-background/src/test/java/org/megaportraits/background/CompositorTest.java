package org.megaportraits.background;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.megaportraits.background.impl.CompositorComponent;
import org.megaportraits.face.TestPhotos;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.nn.tensor.NDImageBatch;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/** Matte, plate, composite and paste-back on an aligned crop of a real face. */
class CompositorTest {

    static FaceAnalyzer.Session faces;
    static Compositor.Session compositor;
    static RgbImage photo;
    static Face face;

    @BeforeAll
    static void open() {
        faces = new FaceAnalyzerComponent().open(ExecutionOptions.CPU);
        compositor = new CompositorComponent().open(ExecutionOptions.CPU);
        photo = TestPhotos.sample(6);
        face = faces.detect(photo).get(0);
    }

    @AfterAll
    static void close() {
        compositor.close();
        faces.close();
    }

    @Test
    void pastingTheUntouchedCropBackKeepsTheFrame() {
        try (AlignedFaces a = faces.align(List.of(photo), List.of(face), 512)) {
            RgbImage back = compositor.pasteBack(a.crops(), List.of(photo), a.transforms()).get(0);
            assertEquals(photo.width(), back.width());
            assertEquals(photo.height(), back.height());
            CropTransform t = a.transforms().get(0);
            double sum = 0;
            int n = 0;
            int changedOutside = 0;
            for (int y = 0; y < photo.height(); y += 3) {
                for (int x = 0; x < photo.width(); x += 3) {
                    boolean inside = x >= t.a02() && x < t.frameX(512, 512) && y >= t.a12() && y < t.frameY(512, 512);
                    for (int c = 0; c < 3; c++) {
                        int d = Math.abs(back.get(x, y, c) - photo.get(x, y, c));
                        if (inside) {
                            sum += d;
                            n++;
                        } else if (d != 0) {
                            changedOutside++;
                        }
                    }
                }
            }
            System.out.printf("paste-back of the untouched 512 crop: mean change %.2f of 255 inside the crop, %d changes outside%n",
                    sum / n, changedOutside);
            assertEquals(0, changedOutside);
            assertTrue(sum / n < 3, "resampling twice changes little: " + sum / n);
        }
    }

    @Test
    void pastedCropShowsInsideAndBlendsAtTheSeam() {
        try (AlignedFaces a = faces.align(List.of(photo), List.of(face), 256)) {
            byte[] red = new byte[256 * 256 * 3];
            for (int i = 0; i < red.length; i += 3) {
                red[i] = (byte) 255;
            }
            CropTransform t = a.transforms().get(0);
            RgbImage back = compositor.pasteBack(ImageBatch.ofHost(List.of(new RgbImage(256, 256, red))), List.of(photo),
                    a.transforms()).get(0);
            TestPhotos.write(TestPhotos.toBuffered(back), "paste-red");
            int cx = (int) t.frameX(128, 128);
            int cy = (int) t.frameY(128, 128);
            assertArrayEquals(new int[] {255, 0, 0}, rgb(back, cx, cy));
            // half way through the feather band (6 % of the side) the crop and the frame are mixed
            int sx = (int) t.frameX(128, 0.03 * 256);
            int[] seam = rgb(back, cx, (int) t.frameY(128, 0.03 * 256));
            int[] under = rgb(photo, cx, (int) t.frameY(128, 0.03 * 256));
            assertTrue(seam[0] > under[0] && seam[0] < 255, "blended red " + seam[0] + " over " + under[0] + " at x " + sx);
            int above = (int) Math.floor(t.a12()) - 2;
            assertArrayEquals(rgb(photo, cx, above), rgb(back, cx, above));
        }
    }

    @Test
    void matteCoversThePersonAndPlateRemovesIt() {
        try (AlignedFaces a = faces.align(List.of(photo), List.of(face), 256);
             ImageBatch matte = compositor.matte(a.crops());
             ImageBatch plate = compositor.backgroundPlate(a.crops(), matte)) {
            assertEquals(1, matte.channels());
            RgbImage m = matte.toHost().get(0);
            RgbImage crop = a.crops().toHost().get(0);
            RgbImage p = plate.toHost().get(0);
            TestPhotos.write(TestPhotos.toBuffered(crop), "compositor-crop");
            TestPhotos.write(TestPhotos.toBuffered(m), "compositor-matte");
            TestPhotos.write(TestPhotos.toBuffered(p), "compositor-plate");
            // nose tip of the face in crop coordinates
            CropTransform t = a.transforms().get(0);
            int nx = (int) ((face.x(30) - t.a02()) / t.a00());
            int ny = (int) ((face.y(30) - t.a12()) / t.a11());
            assertTrue(m.get(nx, ny, 0) > 240, "matte at the nose " + m.get(nx, ny, 0));
            assertTrue(m.get(4, 4, 0) < 15, "matte in the top corner " + m.get(4, 4, 0));
            assertArrayEquals(rgb(crop, 4, 4), rgb(p, 4, 4), "plate keeps the background");
            int change = 0;
            for (int c = 0; c < 3; c++) {
                change += Math.abs(p.get(nx, ny, c) - crop.get(nx, ny, c));
            }
            assertTrue(change > 30, "the face is painted over: change " + change);
            try (ImageBatch again = compositor.composite(a.crops(), matte, plate)) {
                RgbImage c = again.toHost().get(0);
                // where the matte is 1 the composite is the foreground, where it is 0 the plate
                assertArrayEquals(rgb(crop, nx, ny), rgb(c, nx, ny));
                assertArrayEquals(rgb(p, 4, 4), rgb(c, 4, 4));
            }
        }
    }

    @Test
    void mattesOfSeveralBatchesAreEachBatchsMattes() {
        RgbImage other = TestPhotos.sample(2);
        Face otherFace = faces.detect(other).get(0);
        try (AlignedFaces a = faces.align(List.of(photo, other), List.of(face, otherFace), 128);
             AlignedFaces b = faces.align(List.of(other), List.of(otherFace), 128)) {
            List<ImageBatch> both = compositor.mattes(List.of(a.crops(), b.crops()),
                    java.util.Arrays.asList(a.cropLandmarks(), null));
            try (ImageBatch first = both.get(0); ImageBatch second = both.get(1);
                 ImageBatch firstAlone = compositor.matte(a.crops(), a.cropLandmarks());
                 ImageBatch secondAlone = compositor.matte(b.crops())) {
                assertEquals(2, first.size());
                assertEquals(1, second.size());
                // the same cuts (OpenCV's k-means restarts from one random state for every crop, else the
                // cuts would depend on the thread); the feather may round a level differently in a larger batch
                for (int i = 0; i < 2; i++) {
                    assertWithinOneLevel(firstAlone.toHost().get(i).rgb(), first.toHost().get(i).rgb(), "first batch, crop " + i);
                }
                assertWithinOneLevel(secondAlone.toHost().get(0).rgb(), second.toHost().get(0).rgb(), "second batch");
            }
        }
        assertThrows(InvalidInputException.class, () -> compositor.mattes(List.of(), List.of(List.of())));
    }

    private static void assertWithinOneLevel(byte[] expected, byte[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        int off = 0;
        int worst = 0;
        for (int k = 0; k < expected.length; k++) {
            int d = Math.abs((expected[k] & 0xff) - (actual[k] & 0xff));
            off += d > 1 ? 1 : 0;
            worst = Math.max(worst, d);
        }
        assertTrue(off == 0, what + ": " + off + " values differ by more than a level (worst " + worst + ")");
    }

    @Test
    void aTrackersLandmarksSeedTheMatte() {
        try (AlignedFaces a = faces.align(List.of(photo), List.of(face), 256);
             ImageBatch seeded = compositor.matte(a.crops(), a.cropLandmarks())) {
            RgbImage l = seeded.toHost().get(0);
            TestPhotos.write(TestPhotos.toBuffered(l), "compositor-matte-landmarks");
            double[] lm = a.cropLandmarks().get(0);
            // eye corners, nose tip, mouth corners and chin lie inside; the crop's top corners outside
            for (int k : new int[] {36, 45, 30, 48, 54, 8}) {
                int x = (int) lm[2 * k];
                int y = Math.min(255, (int) lm[2 * k + 1]);
                assertTrue(l.get(x, y, 0) > 200, "matte at landmark " + k + ": " + l.get(x, y, 0));
            }
            assertTrue(l.get(4, 4, 0) < 15 && l.get(251, 4, 0) < 15, "matte in the top corners");
        }
        InvalidInputException wrong = assertThrows(InvalidInputException.class, () -> {
            try (AlignedFaces a = faces.align(List.of(photo), List.of(face), 64)) {
                compositor.matte(a.crops(), List.of(new double[10])).close();
            }
        });
        assertTrue(wrong.getMessage().contains("landmark set 0 has 10 numbers"), wrong.getMessage());
    }

    @Test
    void compositeIsAlphaBlending() {
        RgbImage fg = solid(4, 2, 200, 100, 0);
        RgbImage bg = solid(4, 2, 0, 100, 200);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
             ImageBatch alpha = NDImageBatch.wrap(m, m.full(new Shape(1, 1, 2, 4), 0.25f));
             ImageBatch out = compositor.composite(ImageBatch.ofHost(List.of(fg)), alpha, ImageBatch.ofHost(List.of(bg)))) {
            assertArrayEquals(new int[] {50, 100, 150}, rgb(out.toHost().get(0), 1, 1));
        }
    }

    @Test
    void aMissingMattingNetworkIsReportedWithWhatToDo() {
        String old = System.getProperty(CompositorComponent.MATTING_PROPERTY);
        System.setProperty(CompositorComponent.MATTING_PROPERTY, "/nonexistent/modnet.pt");
        try {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> new CompositorComponent().open(ExecutionOptions.CPU));
            assertTrue(e.getMessage().contains("/nonexistent/modnet.pt"));
            assertTrue(e.remedy().contains("GrabCut"));
        } finally {
            if (old == null) {
                System.clearProperty(CompositorComponent.MATTING_PROPERTY);
            } else {
                System.setProperty(CompositorComponent.MATTING_PROPERTY, old);
            }
        }
    }

    @Test
    void aFileThatIsNotTorchScriptIsReportedWithWhatToDo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path junk = java.nio.file.Files.writeString(dir.resolve("matting.pt"), "not a TorchScript archive");
        String old = System.getProperty(CompositorComponent.MATTING_PROPERTY);
        System.setProperty(CompositorComponent.MATTING_PROPERTY, junk.toString());
        try {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> new CompositorComponent().open(ExecutionOptions.CPU));
            assertTrue(e.getMessage().contains("cannot be loaded as TorchScript"), e.getMessage());
            assertTrue(e.remedy().contains("torch.jit"), e.remedy());
        } finally {
            if (old == null) {
                System.clearProperty(CompositorComponent.MATTING_PROPERTY);
            } else {
                System.setProperty(CompositorComponent.MATTING_PROPERTY, old);
            }
        }
    }

    static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    static int[] rgb(RgbImage im, int x, int y) {
        return new int[] {im.get(x, y, 0), im.get(x, y, 1), im.get(x, y, 2)};
    }
}
