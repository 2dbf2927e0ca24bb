package org.megaportraits.host.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.megaportraits.host.fixture.Pixels.psnr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.host.TestData;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

/** Real footage (a face-api demo photo with known motion and a sine tone) through decode and encode. */
class VideoRoundTripTest {

    private static final FrameRate NTSC = new FrameRate(30000, 1001);
    private static final int FRAMES = 45;
    private static final double TONE_HZ = 440;

    private static RgbImage photo;
    private static StillMotionClip clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void footage() {
        photo = VideoReader.readStill(TestData.photo(1));
        // the middle face of sample1.jpg
        clip = new StillMotionClip(930, 560, 500, 320, FRAMES, NTSC, TONE_HZ);
    }

    @Test
    void frameCountRateSizeAndAudioSurviveDecodeAndEncode() throws IOException {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        Path copy = dir.resolve("copy.mp4");
        long written;
        try (VideoReader reader = VideoReader.open(original);
             VideoWriter writer = VideoWriter.create(copy, 320, 320, reader.info().frameRate(), reader.info().audio())) {
            written = VideoPipeline.run(reader, writer, 4, batch -> batch, Progress.silent()).frames();
        }
        assertEquals(FRAMES, written);
        Path plain = Files.createFile(dir.resolve("plain"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(copy),
                    "the video has the folder's default permissions, as any new file there (a temporary file's are the owner's only)");
        }

        List<RgbImage> frames = new ArrayList<>();
        List<short[]> audio = new ArrayList<>();
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(copy)) {
            info = reader.info();
            Object next;
            while ((next = reader.next()) != null) {
                if (next instanceof RgbImage im) {
                    frames.add(im);
                } else {
                    audio.add(((AudioChunk) next).samples());
                }
            }
        }
        assertEquals(FRAMES, frames.size(), "decoded frames");
        assertEquals(FRAMES, info.frames(), "declared frames");
        assertEquals(NTSC, info.frameRate());
        assertEquals(320, info.width());
        assertEquals(320, info.height());
        double seconds = FRAMES / NTSC.perSecond();
        assertNotNull(info.audio(), "audio kept");
        // AAC codes whole frames of 1024 samples: the length is kept to within one
        assertEquals(seconds, info.audio().durationMicros() / 1e6, 1024.0 / StillMotionClip.SAMPLE_RATE, "audio duration");
        assertEquals(StillMotionClip.SAMPLE_RATE, info.audio().sampleRate());

        // twice through H.264 at the writer's rate, the pictures are still the footage
        for (int i = 0; i < FRAMES; i += 11) {
            double psnr = psnr(clip.frame(photo, i), frames.get(i));
            assertTrue(psnr > 30, "frame " + i + " PSNR " + psnr);
        }
        short[] sound = concat(audio);
        assertEquals(seconds * StillMotionClip.SAMPLE_RATE, sound.length, 1024, "decoded samples");
        assertEquals(TONE_HZ, frequency(sound, StillMotionClip.SAMPLE_RATE), 2, "the tone's pitch");
    }

    @Test
    void encodingOnSeveralThreadsKeepsEveryFrameAndThePicture() {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        String before = System.getProperty(VideoWriter.THREADS_PROPERTY);
        System.setProperty(VideoWriter.THREADS_PROPERTY, "3");
        Path copy = dir.resolve("threaded.mp4");
        try {
            assertEquals(3, VideoWriter.encoderThreads());
            transcode(original, copy);
        } finally {
            if (before == null) {
                System.clearProperty(VideoWriter.THREADS_PROPERTY);
            } else {
                System.setProperty(VideoWriter.THREADS_PROPERTY, before);
            }
        }
        List<RgbImage> frames = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(copy)) {
            Object next;
            while ((next = reader.next()) != null) {
                if (next instanceof RgbImage im) {
                    frames.add(im);
                }
            }
        }
        assertEquals(FRAMES, frames.size());
        for (int i = 0; i < FRAMES; i += 11) {
            double psnr = psnr(clip.frame(photo, i), frames.get(i));
            assertTrue(psnr > 30, "frame " + i + " PSNR " + psnr);
        }
    }

    @Test
    void aBadEncoderThreadCountSaysWhatToGive() {
        String before = System.getProperty(VideoWriter.THREADS_PROPERTY);
        try {
            for (String bad : new String[] {"0", "many", "65"}) {
                System.setProperty(VideoWriter.THREADS_PROPERTY, bad);
                InvalidInputException e = assertThrows(InvalidInputException.class, VideoWriter::encoderThreads);
                assertTrue(e.remedy().contains("1 to 64"), e.remedy());
            }
            System.clearProperty(VideoWriter.THREADS_PROPERTY);
            int cores = Runtime.getRuntime().availableProcessors();
            assertEquals(Math.max(1, Math.min(8, cores / 2)), VideoWriter.encoderThreads());
        } finally {
            if (before == null) {
                System.clearProperty(VideoWriter.THREADS_PROPERTY);
            } else {
                System.setProperty(VideoWriter.THREADS_PROPERTY, before);
            }
        }
    }

    /**
     * With two middle or last threads the batches also leave those stages in order although they
     * finish out of order there (odd batches take longer), the writer gets every frame in the order
     * read, and a failure still frees every handover.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "2, 1", "1, 2", "2, 2"})
    void threeStagesKeepTheOrderAndFreeEveryHandoverWhenOneFails(int middleThreads, int lastThreads) {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        java.util.concurrent.atomic.AtomicInteger firsts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger middles = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger middleOutputs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Integer> lasts = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger discardedFirst = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger discardedMiddle = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger concurrentMiddles = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostConcurrentMiddles = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger concurrentLasts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostConcurrentLasts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<RgbImage> read = new java.util.concurrent.CopyOnWriteArrayList<>();
        class Numbered {
            private final int failMiddleAt;
            private final int failLastAt;

            Numbered(int failMiddleAt, int failLastAt) {
                this.failMiddleAt = failMiddleAt;
                this.failLastAt = failLastAt;
            }

            public Integer first(java.util.List<RgbImage> frames) {
                read.addAll(frames);
                return firsts.incrementAndGet();
            }

            public String middle(java.util.List<RgbImage> frames, Integer n) {
                middles.incrementAndGet();
                slowOnOddBatches(n, concurrentMiddles, mostConcurrentMiddles);
                if (n == failMiddleAt) {
                    throw new IllegalStateException("model failed");
                }
                middleOutputs.incrementAndGet();
                return "batch " + n;
            }

            public java.util.List<RgbImage> last(java.util.List<RgbImage> frames, String s) {
                int n = Integer.parseInt(s.substring(6));
                slowOnOddBatches(n, concurrentLasts, mostConcurrentLasts);
                if (n == failLastAt) {
                    throw new IllegalStateException("compositing failed");
                }
                lasts.add(n);
                return frames;
            }

            public void discardFirst(Integer n) {
                discardedFirst.incrementAndGet();
            }

            public void discardMiddle(String s) {
                discardedMiddle.incrementAndGet();
            }
        }
        java.util.List<RgbImage> written = new java.util.ArrayList<>();
        Numbered whole = new Numbered(-1, -1);
        try (VideoReader reader = VideoReader.open(original);
             FrameSink writer = new FrameSink() {
                 @Override
                 public void writeImage(RgbImage image) {
                     written.add(image);
                 }

                 @Override
                 public void writeAudio(AudioChunk chunk) {
                     // the order of frames is what is checked
                 }

                 @Override
                 public long framesWritten() {
                     return written.size();
                 }

                 @Override
                 public void finish() {
                     // nothing to move into place
                 }

                 @Override
                 public void close() {
                     // nothing held
                 }
             }) {
            assertEquals(FRAMES, VideoPipeline.run(reader, writer, 4, whole::first, java.util.List.of(VideoPipeline.Stage.<Integer>of(whole::middle, whole::discardFirst, middleThreads),
                    VideoPipeline.Stage.<String>of(whole::last, whole::discardMiddle, lastThreads)), Progress.silent()).frames());
        }
        assertEquals(FRAMES, written.size());
        for (int i = 0; i < FRAMES; i++) {
            assertSame(read.get(i), written.get(i), "frame " + i + " written out of order");
        }
        assertEquals(firsts.get(), lasts.size());
        if (lastThreads == 1) {
            for (int i = 0; i < lasts.size(); i++) {
                assertEquals(i + 1, lasts.get(i));
            }
        }
        assertEquals(0, discardedFirst.get() + discardedMiddle.get());
        assertEquals(middleThreads, mostConcurrentMiddles.get(), "middle stages at once");
        assertEquals(lastThreads, mostConcurrentLasts.get(), "last stages at once");

        for (int[] fail : new int[][] {{3, -1}, {-1, 3}}) {
            firsts.set(0);
            middles.set(0);
            middleOutputs.set(0);
            lasts.clear();
            discardedFirst.set(0);
            discardedMiddle.set(0);
            Path failed = dir.resolve("failed.mp4");
            Numbered failing = new Numbered(fail[0], fail[1]);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                try (VideoReader reader = VideoReader.open(original);
                     VideoWriter writer = VideoWriter.create(failed, 320, 320, NTSC, reader.info().audio())) {
                    VideoPipeline.run(reader, writer, 4, failing::first, java.util.List.of(VideoPipeline.Stage.<Integer>of(failing::middle, failing::discardFirst, middleThreads),
                    VideoPipeline.Stage.<String>of(failing::last, failing::discardMiddle, lastThreads)), Progress.silent());
                }
            });
            assertEquals(fail[0] > 0 ? "model failed" : "compositing failed", e.getMessage());
            // every handover was taken by the next stage (a failing stage frees what it was given) or discarded
            assertEquals(firsts.get(), middles.get() + discardedFirst.get(), "first-stage handovers");
            int lastCalls = lasts.size() + (fail[1] > 0 ? 1 : 0);
            assertEquals(middleOutputs.get(), lastCalls + discardedMiddle.get(), "middle-stage handovers");
            assertTrue(Files.notExists(failed));
        }
    }

    /** A stage's work on batch {@code n}: 40 ms on odd batches (so batches finish out of turn), counting the calls at once. */
    private static void slowOnOddBatches(int n, java.util.concurrent.atomic.AtomicInteger running,
                                         java.util.concurrent.atomic.AtomicInteger mostAtOnce) {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            if (n % 2 == 1) {
                Thread.sleep(40);
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
    }

    @Test
    void truncatedFileGivesAClearErrorAndLeavesNoOutput() throws IOException {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        byte[] bytes = Files.readAllBytes(original);
        Path cut = dir.resolve("cut.mp4");
        // the index is at the front (faststart): the cut file opens, and the frames run out early
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 6 / 10));
        Path out = dir.resolve("out.mp4");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> transcode(cut, out));
        assertTrue(e.getMessage().contains("cut short or damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("of its " + FRAMES + " frames"), e.getMessage());
        assertTrue(!e.remedy().isEmpty());
        assertOnlyFiles("original.mp4", "cut.mp4");
    }

    @Test
    void garbageBytesGiveAClearErrorAndLeaveNoOutput() throws IOException {
        Path garbage = dir.resolve("garbage.mp4");
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        Files.write(garbage, noise);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> transcode(garbage, dir.resolve("out.mp4")));
        assertTrue(e.getMessage().contains("not a video or image FFmpeg can read"), e.getMessage());
        assertOnlyFiles("garbage.mp4");
    }

    @Test
    void missingFileGivesAClearError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> transcode(dir.resolve("nowhere.mp4"), dir.resolve("out.mp4")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertOnlyFiles();
    }

    @Test
    void failureWhileProcessingLeavesNoOutput() {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        Path out = dir.resolve("out.mp4");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (VideoReader reader = VideoReader.open(original);
                 VideoWriter writer = VideoWriter.create(out, 320, 320, NTSC, reader.info().audio())) {
                int[] batches = {0};
                VideoPipeline.run(reader, writer, 4, batch -> {
                    if (++batches[0] == 5) {
                        throw new IllegalStateException("model failed");
                    }
                    return batch;
                }, Progress.silent());
            }
        });
        assertEquals("model failed", e.getMessage());
        assertOnlyFiles("original.mp4");
    }

    @Test
    void stagedProcessingKeepsTheOrderAndFreesEveryHandoverWhenTheSecondStageFails() {
        Path original = dir.resolve("original.mp4");
        clip.write(photo, original);
        // both stages see every batch once, in order, the second one batch behind the first
        java.util.List<Integer> seconds = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger firsts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger discarded = new java.util.concurrent.atomic.AtomicInteger();
        class Numbered {
            private final int failAt;

            Numbered(int failAt) {
                this.failAt = failAt;
            }

            public Integer first(java.util.List<RgbImage> frames) {
                return firsts.incrementAndGet();
            }

            public java.util.List<RgbImage> second(java.util.List<RgbImage> frames, Integer n) {
                if (n == failAt) {
                    throw new IllegalStateException("compositing failed");
                }
                seconds.add(n);
                return frames;
            }

            public void discard(Integer n) {
                discarded.incrementAndGet();
            }
        }
        Path out = dir.resolve("out.mp4");
        long written;
        Numbered whole = new Numbered(-1);
        try (VideoReader reader = VideoReader.open(original);
             VideoWriter writer = VideoWriter.create(out, 320, 320, NTSC, reader.info().audio())) {
            written = VideoPipeline.run(reader, writer, 4, whole::first, java.util.List.of(VideoPipeline.Stage.<Integer>of(whole::second, whole::discard)), Progress.silent()).frames();
        }
        assertEquals(FRAMES, written);
        assertEquals(firsts.get(), seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            assertEquals(i + 1, seconds.get(i));
        }
        assertEquals(0, discarded.get());

        firsts.set(0);
        seconds.clear();
        Path failed = dir.resolve("failed.mp4");
        Numbered failing = new Numbered(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (VideoReader reader = VideoReader.open(original);
                 VideoWriter writer = VideoWriter.create(failed, 320, 320, NTSC, reader.info().audio())) {
                VideoPipeline.run(reader, writer, 4, failing::first, java.util.List.of(VideoPipeline.Stage.<Integer>of(failing::second, failing::discard)), Progress.silent());
            }
        });
        assertEquals("compositing failed", e.getMessage());
        // every handover the second stage did not take was discarded
        assertEquals(firsts.get() - seconds.size() - 1, discarded.get());
        assertTrue(Files.notExists(failed));
    }

    @Test
    void oddSizedFramesLoseTheirLastColumnAndRowNotTheirScale() {
        Path out = dir.resolve("odd.mp4");
        RgbImage odd = crop(photo, 800, 400, 99, 75);
        try (VideoWriter writer = VideoWriter.create(out, 99, 75, NTSC, null)) {
            for (int i = 0; i < 5; i++) {
                writer.writeImage(odd);
            }
            writer.finish();
        }
        try (VideoReader reader = VideoReader.open(out)) {
            assertEquals(98, reader.info().width());
            assertEquals(74, reader.info().height());
            double psnr = psnr(crop(photo, 800, 400, 98, 74), reader.nextImage());
            // a rescale to 98 x 74 would give 36.9 dB here, the crop 39.4 dB (the encoder is deterministic)
            assertTrue(psnr > 38.5, "PSNR " + psnr);
        }
    }

    @Test
    void stillWindowAtRestIsAnExactCropOfThePhoto() {
        StillMotionClip still = new StillMotionClip(700, 400, 64, 64, 10, NTSC, TONE_HZ);
        RgbImage frame = still.frame(photo, 0);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(photo.get(700 - 32 + x, 400 - 32 + y, c), frame.get(x, y, c));
                }
            }
        }
    }

    private static void transcode(Path in, Path out) {
        try (VideoReader reader = VideoReader.open(in);
             VideoWriter writer = VideoWriter.create(out, reader.info().width(), reader.info().height(),
                     reader.info().frameRate(), reader.info().audio())) {
            VideoPipeline.run(reader, writer, 4, batch -> batch, Progress.silent());
        }
    }

    private void assertOnlyFiles(String... names) {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(names).stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static RgbImage crop(RgbImage im, int x0, int y0, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(im.rgb(), ((y0 + y) * im.width() + x0) * 3, rgb, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, rgb);
    }

    private static short[] concat(List<short[]> parts) {
        short[] all = new short[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Pitch from upward zero crossings over the middle of the signal (the ends carry codec ramps). */
    private static double frequency(short[] s, int rate) {
        int from = s.length / 4;
        int to = 3 * s.length / 4;
        int first = -1;
        int last = -1;
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if (s[i - 1] < 0 && s[i] >= 0) {
                if (first < 0) {
                    first = i;
                } else {
                    crossings++;
                }
                last = i;
            }
        }
        return crossings * (double) rate / (last - first);
    }
}
