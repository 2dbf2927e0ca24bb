package org.megaportraits.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.megaportraits.host.fixture.Pixels.psnr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.host.TestBundles;
import org.megaportraits.host.TestData;
import org.megaportraits.host.fixture.Pixels;
import org.megaportraits.host.fixture.SourceCropModel;
import org.megaportraits.host.osgi.PortraitsHost;
import org.megaportraits.host.osgi.ServiceLease;
import org.megaportraits.host.video.FrameRate;
import org.megaportraits.host.video.Progress;
import org.megaportraits.host.video.StillMotionClip;
import org.megaportraits.host.video.VideoInfo;
import org.megaportraits.host.video.VideoReader;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.enhance.Enhancer;
import org.megaportraits.sdk.face.CropTransform;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.reenact.DrivingOptions;
import org.megaportraits.sdk.reenact.ReenactmentModel;
import org.osgi.framework.Bundle;

/**
 * The whole job through the host: real footage, real video I/O, services from bundles in the watched
 * folder. The services are the test fixture of package org.megaportraits.host.fixture (the centre
 * square is the face, the render is the source crop), so every output pixel is predictable.
 */
class ReenactJobTest {

    private static final int SIZE = 128;
    private static final int FRAMES = 24;
    private static final Duration POLL = Duration.ofMillis(100);

    private static Path driverDir;
    private static Path driver;
    private static List<RgbImage> driverFrames;

    @TempDir
    Path dir;

    @BeforeAll
    static void footage(@TempDir Path tmp) {
        driverDir = tmp;
        driver = tmp.resolve("driver.mp4");
        RgbImage photo = VideoReader.readStill(TestData.photo(1));
        new StillMotionClip(1530, 380, 560, SIZE, FRAMES, new FrameRate(25, 1), 330).write(photo, driver);
        driverFrames = decode(driver);
    }

    @Test
    void everyDriverFrameComesOutReenactedInOrderWithTheSound() throws Exception {
        Path folder = bundlesWithFixture();
        Path out = dir.resolve("out.mp4");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ReenactReport report = job(host).run(request(out, false), Progress.silent());
            assertEquals(FRAMES, report.frames());
            assertEquals(FRAMES, report.videoIo().frames());
            assertTrue(report.videoIo().decodeWaitSeconds() >= 0 && report.videoIo().encodeWaitSeconds() >= 0
                    && report.videoIo().encodeTailSeconds() >= 0, "video I/O waits " + report.videoIo());
            assertEquals(0, report.framesWithoutFace());
            // six batches of four: the steady rate counts the last five over the time after the first
            assertTrue(report.steadyFramesPerSecond() > 0, "steady rate " + report.steadyFramesPerSecond());
            assertTrue(report.steadyFramesPerSecond() * report.seconds() >= FRAMES - 4,
                    "after the first batch the job cannot be slower than over the whole: " + report);
        }
        assertEveryFrameReenactedInOrder(out);
    }

    /**
     * As the test above with the model's and the compositing stage each on two threads: the fixture
     * sessions take one call at a time (and fail a call that overlaps another), so the model's
     * threads take turns and the compositing keeps one thread; batches still leave in order.
     */
    @Test
    void withTwoThreadsAskedForEveryStageEveryFrameStillComesOutInOrder() throws Exception {
        Path folder = bundlesWithFixture();
        Path out = dir.resolve("out.mp4");
        String model = System.getProperty(ReenactJob.MODEL_THREADS_PROPERTY);
        String finish = System.getProperty(ReenactJob.FINISH_THREADS_PROPERTY);
        System.setProperty(ReenactJob.MODEL_THREADS_PROPERTY, "2");
        System.setProperty(ReenactJob.FINISH_THREADS_PROPERTY, "2");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            assertEquals(FRAMES, job(host).run(request(out, false), Progress.silent()).frames());
        } finally {
            restore(ReenactJob.MODEL_THREADS_PROPERTY, model);
            restore(ReenactJob.FINISH_THREADS_PROPERTY, finish);
        }
        assertEveryFrameReenactedInOrder(out);
    }

    @Test
    void aBadThreadCountSaysWhatToGive() {
        for (String property : new String[] {ReenactJob.MODEL_THREADS_PROPERTY, ReenactJob.FINISH_THREADS_PROPERTY}) {
            String before = System.getProperty(property);
            try {
                for (String bad : new String[] {"0", "3", "two"}) {
                    System.setProperty(property, bad);
                    InvalidInputException e = assertThrows(InvalidInputException.class,
                            () -> ReenactJob.threads(property, ExecutionOptions.CPU));
                    assertTrue(e.getMessage().contains(property) && e.remedy().contains("1 or 2"), e.getMessage() + ": " + e.remedy());
                }
                System.clearProperty(property);
                assertEquals(1, ReenactJob.threads(property, ExecutionOptions.CPU));
                assertEquals(2, ReenactJob.threads(property, new ExecutionOptions("gpu", ExecutionOptions.CPU.precision(), 8)));
            } finally {
                restore(property, before);
            }
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** The output the fixture services make of the driver: every frame, in order, with the sound. */
    private static void assertEveryFrameReenactedInOrder(Path out) {
        VideoInfo info;
        try (VideoReader r = VideoReader.open(out)) {
            info = r.info();
        }
        assertEquals(FRAMES, info.frames());
        assertEquals(new FrameRate(25, 1), info.frameRate());
        assertNotNull(info.audio(), "the driver's sound is kept");
        assertEquals(FRAMES / 25.0, info.audio().durationMicros() / 1e6, 1024.0 / StillMotionClip.SAMPLE_RATE);

        // what the fixture services make of it: the source's centre square, cut at the model's
        // resolution, pasted over the centre square of driver frame i
        RgbImage source = VideoReader.readStill(TestData.photo(2));
        RgbImage avatar = Pixels.crop(source, Pixels.centre(source.width(), source.height(), SourceCropModel.RESOLUTION));
        CropTransform square = Pixels.centre(SIZE, SIZE, SourceCropModel.RESOLUTION);
        List<RgbImage> result = decode(out);
        for (int i = 0; i < FRAMES; i++) {
            RgbImage expected = Pixels.paste(avatar, driverFrames.get(i), square);
            assertTrue(psnr(expected, result.get(i)) > 28, "frame " + i + ": PSNR " + psnr(expected, result.get(i)));
            // the driver moves: frame i is driver frame i, not a neighbour
            double own = border(result.get(i), driverFrames.get(i));
            assertTrue(own < 4, "frame " + i + " border differs by " + own);
            if (i > 0) {
                assertTrue(border(result.get(i), driverFrames.get(i - 1)) > own, "frame " + i + " out of order");
            }
        }
    }

    @Test
    void withoutVideoIoTheJobProcessesEveryFrameAndWritesNothing() throws Exception {
        Path folder = bundlesWithFixture();
        Path out = dir.resolve("not-written.mp4");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ReenactReport report = job(host).run(request(out, false), Progress.silent(), VideoIo.IN_MEMORY);
            assertEquals(FRAMES, report.frames());
            assertEquals(FRAMES, report.videoIo().frames());
            assertEquals(0, report.framesWithoutFace());
        }
        assertFalse(java.nio.file.Files.exists(out), "nothing is written without video I/O");
        try (var listing = java.nio.file.Files.list(dir)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains("not-written")), "no partial file either");
        }
    }

    @Test
    void theModelStageAloneIsTimedOverTheBatchesAskedForAndWritesNothing() throws Exception {
        Path folder = bundlesWithFixture();
        Path out = dir.resolve("not-written.mp4");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ReenactJob job = job(host);
            for (int threads = 1; threads <= 2; threads++) {
                double rate = job.modelStageFramesPerSecond(request(out, false), 5, threads);
                assertTrue(rate > 0 && Double.isFinite(rate), threads + " thread(s): frames/s " + rate);
            }
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> job.modelStageFramesPerSecond(request(out, false), 1, 1));
            assertTrue(e.getMessage().contains("1 batches"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> job.modelStageFramesPerSecond(request(out, false), 4, 3));
            assertTrue(e.getMessage().contains("3 threads"), e.getMessage());
        }
        assertEquals(List.of("bundles"), names(dir));
    }

    /**
     * The brief's swap scenario on the whole job: the enhancer bundle is replaced after the first
     * batches; the job in flight finishes on version 1 with every frame, the next job runs on 2.
     */
    @Test
    void bundleReplacedDuringAJobServesItToTheEndAndTheNextJobGetsTheNewVersion() throws Exception {
        Path folder = bundlesWithFixture();
        Path stampJar = TestBundles.stamp("1.0.0", folder.resolve("stamp.jar"));
        Path first = dir.resolve("first.mp4");
        Path second = dir.resolve("second.mp4");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            Bundle v1 = enhancerBundle(host);
            ReenactReport report = job(host).run(request(first, true), Progress.reporting(done -> {
                if (done == 8) {
                    // between two batches of the running job: drop version 2 in and wait until it serves
                    swapTo("2.0.0", stampJar, host);
                    awaitState(v1, Bundle.RESOLVED, "version 1 stopped, still installed for the job");
                }
            }));
            assertEquals(FRAMES, report.frames(), "no frame lost");
            assertTrue(report.providers().contains(TestBundles.STAMP + " 1.0.0"), report.providers());
            awaitState(v1, Bundle.UNINSTALLED, "version 1 uninstalled after its job");

            ReenactReport next = job(host).run(request(second, true), Progress.silent());
            assertTrue(next.providers().contains(TestBundles.STAMP + " 2.0.0"), next.providers());
        }
        decode(first).forEach(frame -> assertEquals(100, meanOfCentre(frame), 3, "every frame by version 1"));
        decode(second).forEach(frame -> assertEquals(200, meanOfCentre(frame), 3, "every frame by version 2"));
    }

    @Test
    void missingBaseModelIsNamedAndNothingIsWritten() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), TestData::isFrameworkBundle);
        Path out = dir.resolve("out.mp4");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> job(host).run(request(out, false), Progress.silent()));
            assertTrue(e.getMessage().startsWith("no base model bundle installed"), e.getMessage());
            assertTrue(e.remedy().contains(folder.toString()), e.remedy());
        }
        assertEquals(List.of("bundles"), names(dir));
    }

    /**
     * A model bundle that is installed but whose service fails to start (a damaged model folder, say)
     * is not reported as missing: installing the jar again would not help.
     */
    @Test
    void aBaseModelThatCannotStartIsNotReportedAsMissing() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), TestData::isFrameworkBundle);
        TestBundles.failingModel(folder.resolve("failing.jar"));
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            assertTrue(host.leases().isProvided(ReenactmentModel.class));
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> host.leases().require(ReenactmentModel.class, "base model", "plugin-base-model", folder));
            assertTrue(e.getMessage().startsWith("the base model bundle is installed but could not start its ReenactmentModel"),
                    e.getMessage());
            assertFalse(e.remedy().contains("put the"), e.remedy());
        }
    }

    @Test
    void askingForTheEnhancerWithoutItsBundleIsAnError() throws Exception {
        Path folder = bundlesWithFixture();
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> job(host).run(request(dir.resolve("out.mp4"), true), Progress.silent()));
            assertTrue(e.getMessage().startsWith("no enhancer bundle installed"), e.getMessage());
        }
        assertEquals(List.of("bundles"), names(dir));
    }

    @Test
    void sourceThatIsNotAnImageIsBadInput() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), TestData::isFrameworkBundle);
        Path notImage = Files.writeString(dir.resolve("face.jpg"), "not a picture");
        try (PortraitsHost host = PortraitsHost.start(folder, POLL)) {
            ReenactRequest r = new ReenactRequest(notImage, driver, dir.resolve("out.mp4"), ExecutionOptions.CPU, false,
                    DrivingOptions.Framing.DRIVER, DrivingOptions.Mode.ABSOLUTE);
            assertThrows(InvalidInputException.class, () -> job(host).run(r, Progress.silent()));
        }
        assertEquals(List.of("bundles", "face.jpg"), names(dir));
    }

    /** A bundle folder of the framework bundles and the fixture services. */
    private Path bundlesWithFixture() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), TestData::isFrameworkBundle);
        TestBundles.fixture(folder.resolve("fixture.jar"));
        return folder;
    }

    private static ReenactJob job(PortraitsHost host) {
        return new ReenactJob(host.leases(), host.bundleFolder().folder());
    }

    private static ReenactRequest request(Path out, boolean enhance) {
        return new ReenactRequest(TestData.photo(2), driver, out, ExecutionOptions.CPU.withBatchSize(4), enhance,
                DrivingOptions.Framing.DRIVER, DrivingOptions.Mode.ABSOLUTE);
    }

    private static Bundle enhancerBundle(PortraitsHost host) {
        try (ServiceLease<Enhancer> lease = host.leases().acquire(Enhancer.class).orElseThrow()) {
            return lease.provider();
        }
    }

    private static void swapTo(String version, Path jar, PortraitsHost host) {
        try {
            TestBundles.stamp(version, jar);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!enhancerBundle(host).getVersion().toString().equals(version)) {
                if (System.nanoTime() > deadline) {
                    fail("version " + version + " did not appear");
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitState(Bundle b, int state, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (b.getState() != state) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<RgbImage> decode(Path video) {
        List<RgbImage> frames = new ArrayList<>();
        try (VideoReader r = VideoReader.open(video)) {
            RgbImage im;
            while ((im = r.nextImage()) != null) {
                frames.add(im);
            }
        }
        return frames;
    }

    /** Mean absolute difference over a band along the frame's edge (outside the face square). */
    private static double border(RgbImage a, RgbImage b) {
        double sum = 0;
        int n = 0;
        int band = a.width() / 10;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                if (x < band || y < band || x >= a.width() - band || y >= a.height() - band) {
                    for (int c = 0; c < 3; c++) {
                        sum += Math.abs(a.get(x, y, c) - b.get(x, y, c));
                        n++;
                    }
                }
            }
        }
        return sum / n;
    }

    /** Mean value of the middle tenth of an image (well inside the face square). */
    private static double meanOfCentre(RgbImage im) {
        double sum = 0;
        int n = 0;
        int half = Math.max(1, Math.min(im.width(), im.height()) / 20);
        for (int y = im.height() / 2 - half; y < im.height() / 2 + half; y++) {
            for (int x = im.width() / 2 - half; x < im.width() / 2 + half; x++) {
                for (int c = 0; c < 3; c++) {
                    sum += im.get(x, y, c);
                    n++;
                }
            }
        }
        return sum / n;
    }

    private static List<String> names(Path d) {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
