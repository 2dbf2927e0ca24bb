package org.megaportraits.host.video;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes {@link RgbImage} frames as H.264 (OpenH264) in MP4 at a fixed frame rate, with audio
 * re-encoded to AAC. The video is encoded in segments of one GOP (one second) on several threads
 * at once ({@link ParallelH264Encoder}); audio encoding and muxing stay on the caller's thread.
 * Writes to a hidden temporary file beside the target and moves it into place only in
 * {@link #finish()}; closing without finishing deletes it, so a failed job leaves nothing.
 * Not thread-safe: one thread writes.
 */
public final class VideoWriter implements FrameSink {

    private static final Logger LOG = LoggerFactory.getLogger(VideoWriter.class);

    /** Bits per pixel per frame for the H.264 rate control: visually clean at 512 px and at 1080p. */
    private static final double BITS_PER_PIXEL = 0.2;

    /** Small frames need more bits per pixel than that: never less than this many bits a second. */
    private static final int MIN_BITRATE = 1_000_000;

    /** System property setting the number of H.264 segments encoded at once. */
    public static final String THREADS_PROPERTY = "portraits.video.encoderThreads";

    /** Encoder threads by default at most: the writer's own thread (audio, muxing, the caller) needs a core too. */
    private static final int MAX_THREADS = 8;

    private final Path target;
    private final Path partial;
    private final int width;
    private final int height;
    private final Mp4Muxer muxer;
    private final int videoStream;
    private final AacEncoder audio;
    private final int audioStream;
    private final ParallelH264Encoder video;
    private long framesWritten;
    private boolean finished;
    private boolean released;

    private VideoWriter(Path target, Path partial, int width, int height, Mp4Muxer muxer, int videoStream,
                        AacEncoder audio, int audioStream, ParallelH264Encoder video) {
        this.target = target;
        this.partial = partial;
        this.width = width;
        this.height = height;
        this.muxer = muxer;
        this.videoStream = videoStream;
        this.audio = audio;
        this.audioStream = audioStream;
        this.video = video;
    }

    /**
     * Starts an MP4 file of frames of the given size.
     *
     * @param audio the audio format to keep, or null for a silent video
     * @throws InvalidInputException if the target is not a .mp4 path in an existing, writable folder
     */
    public static VideoWriter create(Path target, int width, int height, FrameRate rate, AudioInfo audio) {
        return create(target, width, height, rate, audio, 0);
    }

    /**
     * As {@link #create(Path, int, int, FrameRate, AudioInfo)} for a video that will have
     * {@code expectedFrames} frames (0 or less: unknown): its last second is then encoded in several
     * segments at once, and the file is complete sooner after the last frame.
     */
    public static VideoWriter create(Path target, int width, int height, FrameRate rate, AudioInfo audio, long expectedFrames) {
        int threads = encoderThreads();
        return create(target, width, height, rate, audio, threads,
                ParallelH264Encoder.framesInFlight(gop(rate), threads, 3L * width * height), expectedFrames);
    }

    /**
     * As {@link #create(Path, int, int, FrameRate, AudioInfo, long)} with the encoder threads and the
     * bound on frames taken but not yet converted given (tests set them).
     */
    static VideoWriter create(Path target, int width, int height, FrameRate rate, AudioInfo audio, int threads,
                              int framesInFlight, long expectedFrames) {
        Path out = target.toAbsolutePath().normalize();
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
            throw new InvalidInputException("output " + target + " is not an .mp4 file", "name the output something.mp4");
        }
        Path dir = out.getParent();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new InvalidInputException("output folder " + dir + " does not exist or is not writable",
                    "create the folder first, or write somewhere else");
        }
        if (Files.isDirectory(out)) {
            throw new InvalidInputException("output " + target + " is a folder", "give a file name ending in .mp4");
        }
        // H.264 in 4:2:0 needs even sides: an odd side loses its last pixel row or column
        int encodedWidth = width & ~1;
        int encodedHeight = height & ~1;
        if (encodedWidth < 2 || encodedHeight < 2) {
            throw new IllegalArgumentException("frames of " + width + "x" + height + " are too small for H.264: 2x2 at least");
        }
        if (encodedWidth != width || encodedHeight != height) {
            LOG.warn("frames of {}x{} are encoded as {}x{}: H.264 needs even sides", width, height, encodedWidth, encodedHeight);
        }
        long bitRate = (long) Math.max(MIN_BITRATE, encodedWidth * (long) encodedHeight * rate.perSecond() * BITS_PER_PIXEL);
        H264Settings settings = new H264Settings(encodedWidth, encodedHeight, width, rate, bitRate, gop(rate));
        FFmpegLogging.quiet();
        Path partial;
        try {
            // a name of its own, made with the folder's default permissions (a temporary file's are the
            // owner's only, and the finished video would keep them)
            partial = Files.createFile(dir.resolve("." + out.getFileName() + "." + UUID.randomUUID() + ".partial"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + dir, e);
        }
        Mp4Muxer muxer = null;
        AacEncoder aac = null;
        try {
            muxer = Mp4Muxer.open(partial);
            byte[] header;
            int videoStream;
            // the stream header (SPS/PPS) comes from an encoder that encodes nothing; each segment's must equal it
            try (H264SegmentEncoder headerEncoder = H264SegmentEncoder.open(settings)) {
                header = headerEncoder.header();
                videoStream = muxer.addStream(headerEncoder.context());
            }
            int audioStream = -1;
            if (audio != null) {
                aac = AacEncoder.open(audio.sampleRate(), audio.channels());
                audioStream = muxer.addStream(aac.context());
            }
            muxer.start();
            ParallelH264Encoder video = new ParallelH264Encoder(settings, header, threads, framesInFlight, out.toString(),
                    expectedFrames);
            return new VideoWriter(out, partial, width, height, muxer, videoStream, aac, audioStream, video);
        } catch (IOException | RuntimeException e) {
            if (aac != null) {
                aac.close();
            }
            if (muxer != null) {
                muxer.close();
            }
            deleteQuietly(partial);
            throw new IllegalStateException("cannot start the H.264/AAC encoder for " + target + ": " + e.getMessage(), e);
        }
    }

    /** Frames per segment: one second of video, at least one frame. */
    private static int gop(FrameRate rate) {
        return (int) Math.max(1, Math.round(rate.perSecond()));
    }

    /**
     * Segments encoded at once: {@value #THREADS_PROPERTY} if set (1 encodes on one thread), else
     * half the cores, at most {@value #MAX_THREADS}.
     */
    static int encoderThreads() {
        String set = System.getProperty(THREADS_PROPERTY);
        if (set != null && !set.isBlank()) {
            try {
                int n = Integer.parseInt(set.trim());
                if (n >= 1 && n <= 64) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidInputException("-D" + THREADS_PROPERTY + "=" + set + " is not a thread count",
                    "give a whole number from 1 to 64, or leave it unset for half the cores");
        }
        return Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Appends one frame; it must have the size the writer was created with. The image is kept, not
     * copied, until an encoder thread has converted it: do not change it after writing it. Blocks
     * while the frames waiting for conversion are at their bound (the encoder is behind).
     *
     * @throws UncheckedIOException if encoding an earlier frame failed
     */
    @Override
    public void writeImage(RgbImage image) {
        checkOpen();
        if (image.width() != width || image.height() != height) {
            throw new IllegalArgumentException("frame of " + image.width() + "x" + image.height() + " given to a "
                    + width + "x" + height + " video");
        }
        video.add(image);
        framesWritten++;
        muxFinishedSegments();
    }

    /**
     * Appends audio (it is timed by its sample count, starting at the video's start).
     *
     * @throws IllegalStateException if the writer was created without audio
     * @throws IllegalArgumentException if the chunk's rate or channels are not the writer's
     */
    @Override
    public void writeAudio(AudioChunk chunk) {
        checkOpen();
        if (audio == null) {
            throw new IllegalStateException("audio given to " + target + ", created without audio");
        }
        try {
            mux(audioStream, audio.encode(chunk));
        } catch (IOException e) {
            throw new UncheckedIOException("encoding audio of " + target + " failed", e);
        }
        muxFinishedSegments();
    }

    /** Frames written so far. */
    @Override
    public long framesWritten() {
        return framesWritten;
    }

    /**
     * Waits for the last segments, flushes the audio, closes the file and moves it into place
     * (replacing an older file).
     */
    @Override
    public void finish() {
        checkOpen();
        video.end();
        try {
            List<EncodedPacket> packets;
            while ((packets = video.awaitNext()) != null) {
                mux(videoStream, packets);
            }
            if (audio != null) {
                mux(audioStream, audio.flush());
            }
            muxer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("finishing " + target + " failed", e);
        }
        release();
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("moving the finished video to " + target + " failed", e);
        }
        finished = true;
    }

    /** Stops the encoder threads and frees the encoders; without {@link #finish()}, deletes the partial file. */
    @Override
    public void close() {
        release();
        if (!finished) {
            deleteQuietly(partial);
        }
    }

    /** The encoders and the file are native objects: a call after they were freed must not reach them. */
    private void checkOpen() {
        if (released) {
            throw new IllegalStateException(target + " is already " + (finished ? "finished" : "closed"));
        }
    }

    /** Writes the packets of the segments finished so far, without waiting for the others. */
    private void muxFinishedSegments() {
        try {
            mux(videoStream, video.takeFinished());
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + " failed", e);
        }
    }

    private void mux(int stream, List<EncodedPacket> packets) throws IOException {
        for (EncodedPacket p : packets) {
            muxer.write(stream, p);
        }
    }

    private void release() {
        if (!released) {
            released = true;
            video.close();
            if (audio != null) {
                audio.close();
            }
            muxer.close();
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
    }
}
