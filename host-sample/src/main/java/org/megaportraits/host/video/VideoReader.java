package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Decodes any FFmpeg-readable file (video, or a still image as one frame) into {@link RgbImage}
 * frames and 16-bit audio. The decoder reuses one frame buffer with padded rows, so every frame is
 * copied out row by row. Not thread-safe: one reader per thread at a time.
 * <p>
 * FFmpeg skips undecodable packets silently, so a damaged or cut file is caught by counting: at the
 * end, fewer frames than the container declares is an error, not a shorter video.
 */
public final class VideoReader implements FrameSource {

    private static final String REMEDY = "check that the file is complete and plays in a video player; "
            + "re-export or re-download it (H.264 MP4 always works)";

    private final FFmpegFrameGrabber grabber;
    private final VideoInfo info;
    private long framesRead;
    private boolean ended;

    private VideoReader(FFmpegFrameGrabber grabber, VideoInfo info) {
        this.grabber = grabber;
        this.info = info;
    }

    /**
     * Opens a file and reads its header.
     *
     * @throws InvalidInputException if the file is missing, unreadable, or has no video stream
     */
    public static VideoReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + " does not exist or is not a file", "check the path");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(file + " cannot be read", "check the file's permissions");
        }
        FFmpegLogging.quiet();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setPixelFormat(AV_PIX_FMT_RGB24);
        grabber.setSampleMode(FrameGrabber.SampleMode.SHORT);
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception e) {
            releaseQuietly(grabber);
            throw new InvalidInputException(file + " is not a video or image FFmpeg can read (" + e.getMessage() + ")", REMEDY, e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            releaseQuietly(grabber);
            throw new InvalidInputException(file + " has no video stream", "give a video file (or an image) with pictures in it");
        }
        return new VideoReader(grabber, describe(file, grabber));
    }

    /**
     * The first picture of a file: a photo, or a video's first frame.
     *
     * @throws InvalidInputException if the file cannot be read or holds no picture
     */
    public static RgbImage readStill(Path file) {
        try (VideoReader reader = open(file)) {
            return reader.nextImage();
        }
    }

    private static VideoInfo describe(Path file, FFmpegFrameGrabber g) {
        AVFormatContext oc = g.getFormatContext();
        AVStream video = oc.streams(g.getVideoStream());
        AVRational rate = video.avg_frame_rate();
        if (rate.num() <= 0 || rate.den() <= 0) {
            rate = video.r_frame_rate();
        }
        // a still image has no rate: call it one frame per second
        FrameRate frameRate = rate.num() > 0 && rate.den() > 0 ? new FrameRate(rate.num(), rate.den()) : new FrameRate(1, 1);
        long duration = oc.duration() == AV_NOPTS_VALUE ? -1 : oc.duration();
        AudioInfo audio = null;
        if (g.hasAudio()) {
            AVStream a = oc.streams(g.getAudioStream());
            long audioDuration = a.duration() == AV_NOPTS_VALUE ? duration
                    : Math.round(a.duration() * 1e6 * a.time_base().num() / a.time_base().den());
            audio = new AudioInfo(g.getAudioCodecName(), g.getAudioChannels(), g.getSampleRate(), audioDuration);
        }
        return new VideoInfo(file, g.getFormat(), g.getVideoCodecName(), g.getImageWidth(), g.getImageHeight(), frameRate,
                video.nb_frames() > 0 ? video.nb_frames() : -1, duration, audio);
    }

    /** What the container declares. */
    @Override
    public VideoInfo info() {
        return info;
    }

    /** Video frames returned so far. */
    public long framesRead() {
        return framesRead;
    }

    /**
     * The next video frame, skipping audio; null at the end.
     *
     * @throws InvalidInputException if the file turns out damaged or cut short
     */
    public RgbImage nextImage() {
        Object next;
        do {
            next = next(false);
        } while (next instanceof AudioChunk);
        return (RgbImage) next;
    }

    /**
     * The next video frame ({@link RgbImage}) or piece of audio ({@link AudioChunk}) in file order;
     * null at the end.
     *
     * @throws InvalidInputException if the file turns out damaged or cut short
     */
    @Override
    public Object next() {
        return next(true);
    }

    private Object next(boolean withAudio) {
        if (ended) {
            return null;
        }
        Frame frame = grab(withAudio);
        // data or subtitle packets carry neither
        while (frame != null && frame.image == null && frame.samples == null) {
            frame = grab(withAudio);
        }
        if (frame == null) {
            ended = true;
            if (framesRead == 0) {
                throw new InvalidInputException(info.file() + " has no picture FFmpeg can decode", REMEDY);
            }
            if (info.frames() > 0 && framesRead < info.frames()) {
                throw new InvalidInputException(info.file() + " ends after " + framesRead + " of its " + info.frames()
                        + " frames: the file is cut short or damaged", REMEDY);
            }
            return null;
        }
        if (frame.image != null) {
            framesRead++;
            return copyImage(frame);
        }
        return copySamples(frame);
    }

    private Frame grab(boolean withAudio) {
        try {
            return withAudio ? grabber.grab() : grabber.grabImage();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new InvalidInputException("decoding " + info.file() + " failed after " + framesRead + " frames ("
                    + e.getMessage() + ")", REMEDY, e);
        }
    }

    /** Copies the decoder's padded RGB rows into a tight image. */
    private static RgbImage copyImage(Frame frame) {
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        int row = w * 3;
        ByteBuffer src = (ByteBuffer) frame.image[0];
        byte[] rgb = new byte[row * h];
        for (int y = 0; y < h; y++) {
            src.get(y * frame.imageStride, rgb, y * row, row);
        }
        return new RgbImage(w, h, rgb);
    }

    private static AudioChunk copySamples(Frame frame) {
        ShortBuffer src = (ShortBuffer) frame.samples[0];
        short[] samples = new short[src.limit()];
        src.get(0, samples);
        return new AudioChunk(frame.sampleRate, frame.audioChannels, samples);
    }

    @Override
    public void close() {
        releaseQuietly(grabber);
    }

    private static void releaseQuietly(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (FFmpegFrameGrabber.Exception e) {
            // nothing left to save: the file was only read
        }
    }
}
