package org.megaportraits.training.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Random access to the frames of one video file through FFmpeg (JavaCV). Not thread-safe: one
 * reader per thread (FFmpeg's grabber reuses its frame buffer).
 */
final class VideoReader implements AutoCloseable {

    static {
        // FFmpeg prints a banner per opened file: noise over thousands of training videos
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final int frames;

    VideoReader(Path file) {
        this.file = file;
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            closeQuietly();
            throw new InvalidInputException("cannot open video " + file + ": " + e.getMessage(),
                    "check that the file is a complete, playable video, or remove it from the data folder", e);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getLengthInVideoFrames() <= 0) {
            closeQuietly();
            throw new InvalidInputException("video " + file + " has no video frames",
                    "remove it from the data folder, or re-encode it");
        }
        this.frames = grabber.getLengthInVideoFrames();
    }

    /** Number of video frames the container reports. */
    int frames() {
        return frames;
    }

    /**
     * Frame {@code index} (0-based) as RGB.
     *
     * @throws InvalidInputException if it cannot be decoded
     */
    RgbImage frame(int index) {
        try {
            grabber.setVideoFrameNumber(index);
            Frame f = grabber.grabImage();
            if (f == null || f.image == null) {
                throw new InvalidInputException("video " + file + " ends before frame " + index
                        + " although it reports " + frames + " frames", "re-encode the video (its index is wrong)");
            }
            return copy(f);
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new InvalidInputException("cannot decode frame " + index + " of " + file + ": " + e.getMessage(),
                    "check that the video is not damaged", e);
        }
    }

    /** Copies the grabber's reused, row-padded RGB buffer into a compact image. */
    private static RgbImage copy(Frame f) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        ByteBuffer buf = (ByteBuffer) f.image[0];
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            buf.position(y * stride);
            buf.get(rgb, y * w * 3, w * 3);
        }
        buf.rewind();
        return new RgbImage(w, h, rgb);
    }

    private void closeQuietly() {
        try {
            grabber.release();
        } catch (Exception ignored) {
            // already failing: the original error is the one to report
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
