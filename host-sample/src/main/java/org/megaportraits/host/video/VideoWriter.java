package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes {@link RgbImage} frames as H.264 (OpenH264) in MP4 at a fixed frame rate, with audio
 * re-encoded to AAC. Writes to a hidden temporary file beside the target and moves it into place
 * only in {@link #finish()}; closing without finishing deletes it, so a failed job leaves nothing.
 * Not thread-safe: one thread writes.
 */
public final class VideoWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VideoWriter.class);

    /** Bits per pixel per frame for the H.264 rate control: visually clean at 512 px and at 1080p. */
    private static final double BITS_PER_PIXEL = 0.2;

    /** Small frames need more bits per pixel than that: never less than this many bits a second. */
    private static final int MIN_BITRATE = 1_000_000;

    /** System property setting the H.264 encoder's threads. */
    public static final String THREADS_PROPERTY = "portraits.video.encoderThreads";

    /** Encoder threads by default at most: slices beyond this cost compression and gain little. */
    private static final int MAX_THREADS = 8;

    private final Path target;
    private final Path partial;
    private final FFmpegFrameRecorder recorder;
    private final ByteBuffer staging;
    private final int width;
    private final int height;
    private long framesWritten;
    private boolean finished;

    private VideoWriter(Path target, Path partial, FFmpegFrameRecorder recorder, int width, int height) {
        this.target = target;
        this.partial = partial;
        this.recorder = recorder;
        this.width = width;
        this.height = height;
        this.staging = ByteBuffer.allocateDirect(width * height * 3);
    }

    /**
     * Starts an MP4 file of frames of the given size.
     *
     * @param audio the audio format to keep, or null for a silent video
     * @throws InvalidInputException if the target is not a .mp4 path in an existing, writable folder
     */
    public static VideoWriter create(Path target, int width, int height, FrameRate rate, AudioInfo audio) {
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
        FFmpegLogging.quiet();
        Path partial;
        try {
            partial = Files.createTempFile(dir, "." + out.getFileName() + ".", ".partial");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + dir, e);
        }
        // H.264 in 4:2:0 needs even sides: an odd side loses its last pixel row or column
        int encodedWidth = width & ~1;
        int encodedHeight = height & ~1;
        if (encodedWidth != width || encodedHeight != height) {
            LOG.warn("frames of {}x{} are encoded as {}x{}: H.264 needs even sides", width, height, encodedWidth, encodedHeight);
        }
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(partial.toFile(), encodedWidth, encodedHeight,
                audio == null ? 0 : audio.channels());
        r.setFormat("mp4");
        // index first: players start before the whole file is there, and a cut copy still opens
        r.setOption("movflags", "+faststart");
        r.setVideoCodec(AV_CODEC_ID_H264);
        r.setPixelFormat(AV_PIX_FMT_YUV420P);
        r.setFrameRate(rate.perSecond());
        r.setGopSize((int) Math.max(1, Math.round(2 * rate.perSecond())));
        // OpenH264 encodes the slices of a frame on threads of its own: one slice per thread
        int threads = encoderThreads();
        if (threads > 1) {
            r.setVideoOption("threads", Integer.toString(threads));
            r.setVideoOption("slices", Integer.toString(threads));
        }
        r.setVideoBitrate((int) Math.min(Integer.MAX_VALUE,
                Math.max(MIN_BITRATE, encodedWidth * (long) encodedHeight * rate.perSecond() * BITS_PER_PIXEL)));
        if (audio != null) {
            r.setAudioCodec(AV_CODEC_ID_AAC);
            r.setSampleRate(audio.sampleRate());
            r.setAudioChannels(audio.channels());
            r.setAudioBitrate(96_000 * Math.min(audio.channels(), 2));
        }
        try {
            r.start();
        } catch (FFmpegFrameRecorder.Exception e) {
            release(r);
            deleteQuietly(partial);
            throw new IllegalStateException("cannot start the H.264/AAC encoder for " + target + ": " + e.getMessage(), e);
        }
        return new VideoWriter(out, partial, r, width, height);
    }

    /**
     * Encoder threads: {@value #THREADS_PROPERTY} if set (1 turns threading off), else half the
     * cores, at most {@value #MAX_THREADS}.
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

    /** Appends one frame; it must have the size the writer was created with. */
    public void writeImage(RgbImage image) {
        if (image.width() != width || image.height() != height) {
            throw new IllegalArgumentException("frame of " + image.width() + "x" + image.height() + " given to a "
                    + width + "x" + height + " video");
        }
        staging.clear();
        staging.put(image.rgb()).flip();
        try {
            // the encoder's (even) size with the frame's row stride: a crop, not a rescale, of an odd-sized frame
            recorder.recordImage(recorder.getImageWidth(), recorder.getImageHeight(), Frame.DEPTH_UBYTE, 3, width * 3,
                    AV_PIX_FMT_RGB24, staging);
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("encoding frame " + framesWritten + " of " + target + " failed: "
                    + e.getMessage(), e));
        }
        framesWritten++;
    }

    /** Appends audio (it is timed by its sample count, starting at the video's start). */
    public void writeAudio(AudioChunk chunk) {
        try {
            recorder.recordSamples(chunk.sampleRate(), chunk.channels(), ShortBuffer.wrap(chunk.samples()));
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("encoding audio of " + target + " failed: " + e.getMessage(), e));
        }
    }

    /** Frames written so far. */
    public long framesWritten() {
        return framesWritten;
    }

    /** Flushes the encoders, closes the file and moves it into place (replacing an older file). */
    public void finish() {
        try {
            recorder.stop();
            recorder.release();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("finishing " + target + " failed: " + e.getMessage(), e));
        } catch (IOException e) {
            throw new UncheckedIOException("moving the finished video to " + target + " failed", e);
        }
    }

    /** Releases the encoder; without {@link #finish()}, deletes the partial file. */
    @Override
    public void close() {
        if (!finished) {
            release(recorder);
            deleteQuietly(partial);
        }
    }

    private static void release(FFmpegFrameRecorder r) {
        try {
            r.release();
        } catch (FFmpegFrameRecorder.Exception e) {
            // the partial file is deleted next; nothing else to save
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
