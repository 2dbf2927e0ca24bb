package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.megaportraits.host.fixture.Pixels.psnr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.host.TestData;
import org.megaportraits.sdk.image.RgbImage;

/**
 * H.264 encoded in segments of one GOP on a pool of threads: the same bytes for any number of
 * threads, an IDR frame exactly where each segment starts, the pictures intact on both sides of a
 * segment boundary, bounded frames in flight, and no file or thread left behind when stopped early.
 * A writer that stopped making progress fails by the timeout instead of hanging the build.
 */
@Timeout(120)
class SegmentedEncodingTest {

    private static final FrameRate RATE = new FrameRate(25, 1);
    /** One second of frames at 25 frames/s: the writer's segment length. */
    private static final int GOP = 25;
    /** Three and a half segments: the last one is shorter. */
    private static final int FRAMES = 3 * GOP + 13;
    private static final int SIZE = 160;

    private static StillMotionClip clip;
    private static RgbImage photo;
    private static List<RgbImage> frames;
    private static short[] tone;

    @TempDir
    Path dir;

    @BeforeAll
    static void footage() {
        photo = VideoReader.readStill(TestData.photo(1));
        // the middle face of sample1.jpg
        clip = new StillMotionClip(930, 560, 500, SIZE, FRAMES, RATE, 440);
        frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            frames.add(clip.frame(photo, i));
        }
        tone = clip.tone().samples();
    }

    @Test
    void theNumberOfEncoderThreadsDoesNotChangeAByteAndEveryFrameDecodes() throws IOException {
        Path one = write("one.mp4", 1, defaultBudget(1));
        Path three = write("three.mp4", 3, defaultBudget(3));
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(three), "files written by 1 and by 3 threads");

        List<RgbImage> decoded = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(three)) {
            assertEquals(RATE, reader.info().frameRate());
            assertEquals(FRAMES, reader.info().frames(), "declared frames");
            RgbImage im;
            while ((im = reader.nextImage()) != null) {
                decoded.add(im);
            }
        }
        assertEquals(FRAMES, decoded.size(), "decoded frames");
        // the last frame of each segment and the first of the next (its IDR frame), and the very last
        for (int i : new int[] {0, GOP - 1, GOP, 2 * GOP - 1, 2 * GOP, 3 * GOP - 1, 3 * GOP, FRAMES - 1}) {
            double psnr = psnr(frames.get(i), decoded.get(i));
            assertTrue(psnr > 30, "frame " + i + " PSNR " + psnr);
        }
    }

    @Test
    void keyframesFallExactlyAtSegmentStartsAndEveryFrameKeepsItsTime() throws IOException {
        List<Boolean> keys = keyframes(write("keys.mp4", 3, defaultBudget(3)));
        assertEquals(FRAMES, keys.size(), "video packets");
        for (int i = 0; i < FRAMES; i++) {
            assertEquals(i % GOP == 0, keys.get(i), "frame " + i + " is a keyframe");
        }
    }

    @Test
    void aVideoOfKnownLengthEndsInShortSegmentsThatChangeNoFrame() throws IOException {
        Path known = write("known.mp4", 3, defaultBudget(3), FRAMES);
        List<Boolean> keys = keyframes(known);
        assertEquals(FRAMES, keys.size(), "video packets");
        // the last GOP's frames in four segments of ceil(GOP / 4)
        int tail = FRAMES - GOP;
        int part = (GOP + ParallelH264Encoder.TAIL_SEGMENTS - 1) / ParallelH264Encoder.TAIL_SEGMENTS;
        for (int i = 0; i < FRAMES; i++) {
            boolean start = i < tail ? i % GOP == 0 : (i - tail) % part == 0;
            assertEquals(start, keys.get(i), "frame " + i + " is a keyframe");
            assertEquals(start, ParallelH264Encoder.startsSegment(i, GOP, FRAMES), "frame " + i + " starts a segment");
        }
        assertArrayEquals(Files.readAllBytes(known), Files.readAllBytes(write("known-one.mp4", 1, defaultBudget(1), FRAMES)),
                "files written by 1 and by 3 threads");
        List<RgbImage> decoded = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(known)) {
            RgbImage im;
            while ((im = reader.nextImage()) != null) {
                decoded.add(im);
            }
        }
        assertEquals(FRAMES, decoded.size(), "decoded frames");
        for (int i = tail - 1; i < FRAMES; i++) {
            double psnr = psnr(frames.get(i), decoded.get(i));
            assertTrue(psnr > 30, "frame " + i + " PSNR " + psnr);
        }
    }

    /** Whether each video packet of a file is a keyframe, checking that frame i is presented at i / 25 s. */
    private static List<Boolean> keyframes(Path file) throws IOException {
        List<Boolean> keys = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            int video = grabber.getVideoStream();
            AVRational tb = grabber.getFormatContext().streams(video).time_base();
            AVPacket p;
            while ((p = grabber.grabPacket()) != null) {
                if (p.stream_index() != video) {
                    continue;
                }
                int i = keys.size();
                // presentation time of frame i is i / 25 s, exactly
                assertEquals((long) i * tb.den() * RATE.denominator(), p.pts() * tb.num() * RATE.numerator(), "pts of frame " + i);
                keys.add((p.flags() & AV_PKT_FLAG_KEY) != 0);
            }
        }
        return keys;
    }

    @Test
    void aTinyFrameBudgetBlocksTheWriterButChangesNothing() throws IOException {
        Path roomy = write("roomy.mp4", 3, defaultBudget(3));
        // one frame in flight: every writeImage waits for the previous frame's conversion
        Path tight = write("tight.mp4", 3, 1);
        assertArrayEquals(Files.readAllBytes(roomy), Files.readAllBytes(tight));
    }

    @Test
    void theDefaultBudgetIsThreadsGopsWithinAGibibyteButAtLeastOneGop() {
        assertEquals(3 * GOP, ParallelH264Encoder.framesInFlight(GOP, 3, 512 * 512 * 3));
        // 4K frames: 1 GiB holds 43 of them
        assertEquals(43, ParallelH264Encoder.framesInFlight(GOP, 8, 3840 * 2160 * 3));
        // 8K frames: 1 GiB holds 10 of them, but one GOP must fit
        assertEquals(GOP, ParallelH264Encoder.framesInFlight(GOP, 8, 7680 * 4320 * 3));
    }

    @Test
    void closingBeforeTheEndLeavesNoFileAndNoEncoderThread() {
        Path out = dir.resolve("early.mp4");
        try (VideoWriter writer = VideoWriter.create(out, SIZE, SIZE, RATE, null, 3, defaultBudget(3), 0)) {
            // the second segment is open: its thread waits for frames that will not come
            for (int i = 0; i < GOP + 10; i++) {
                writer.writeImage(frames.get(i));
            }
            assertFalse(encoderThreads().isEmpty(), "segments are encoding on threads of their own");
        }
        assertEquals(List.of(), encoderThreads(), "encoder threads left");
        assertEquals(List.of(), files(), "files left");
    }

    @Test
    void aSegmentWhoseHeaderDiffersFailsLoudlyAndStopsItsThreads() {
        H264Settings settings = new H264Settings(SIZE, SIZE, SIZE, RATE, 1_000_000, GOP);
        byte[] otherHeader = {0, 0, 0, 1, 0x67, 0x42};
        IllegalStateException e;
        try (ParallelH264Encoder encoder = new ParallelH264Encoder(settings, otherHeader, 2, GOP, "test.mp4", 0)) {
            e = assertThrows(IllegalStateException.class, () -> {
                for (int i = 0; i < GOP + 5; i++) {
                    encoder.add(frames.get(i));
                }
                encoder.end();
                while (encoder.awaitNext() != null) {
                    // a failed segment throws before its packets are handed back
                }
            });
        }
        assertTrue(e.getMessage().contains("segment 0 (from frame 0) of test.mp4"), e.getMessage());
        assertTrue(e.getMessage().contains("SPS/PPS"), e.getMessage());
        assertEquals(List.of(), encoderThreads(), "encoder threads left");
    }

    private Path write(String name, int threads, int framesInFlight) {
        return write(name, threads, framesInFlight, 0);
    }

    private Path write(String name, int threads, int framesInFlight, long expectedFrames) {
        Path out = dir.resolve(name);
        int perFrame = tone.length / FRAMES;
        try (VideoWriter writer = VideoWriter.create(out, SIZE, SIZE, RATE,
                new AudioInfo("pcm_s16le", 1, StillMotionClip.SAMPLE_RATE, -1), threads, framesInFlight, expectedFrames)) {
            for (int i = 0; i < FRAMES; i++) {
                writer.writeImage(frames.get(i));
                int to = i == FRAMES - 1 ? tone.length : (i + 1) * perFrame;
                writer.writeAudio(new AudioChunk(StillMotionClip.SAMPLE_RATE, 1, Arrays.copyOfRange(tone, i * perFrame, to)));
            }
            writer.finish();
        }
        return out;
    }

    private static int defaultBudget(int threads) {
        return ParallelH264Encoder.framesInFlight(GOP, threads, 3L * SIZE * SIZE);
    }

    private static List<String> encoderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(ParallelH264Encoder.THREAD_NAME))
                .map(Thread::getName)
                .toList();
    }

    private List<String> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
