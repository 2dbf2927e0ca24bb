package org.megaportraits.training.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.megaportraits.sdk.image.RgbImage;

/** Writes small test videos. */
public final class TestClips {

    private TestClips() {
    }

    /** A video of {@code frames} frames of {@code size}^2 pixels: a square of colour {@code hue} moving right one pixel per frame. */
    public static Path movingSquare(Path file, int size, int frames, int hue) throws Exception {
        RgbImage[] images = new RgbImage[frames];
        for (int f = 0; f < frames; f++) {
            byte[] rgb = new byte[size * size * 3];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean in = x >= 4 + f && x < 4 + f + size / 3 && y >= size / 3 && y < 2 * size / 3;
                    int i = (y * size + x) * 3;
                    rgb[i] = (byte) (in ? hue : 30);
                    rgb[i + 1] = (byte) (in ? 255 - hue : 30);
                    rgb[i + 2] = (byte) (in ? 128 : 30);
                }
            }
            images[f] = new RgbImage(size, size, rgb);
        }
        return write(file, images);
    }

    /** Encodes the images as an MPEG-4 video at 25 frames per second, nearly lossless. */
    public static Path write(Path file, RgbImage... frames) throws Exception {
        int w = frames[0].width();
        int h = frames[0].height();
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setFormat(file.toString().endsWith(".avi") ? "avi" : "mp4");
            r.setFrameRate(25);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setVideoQuality(1);
            r.start();
            for (RgbImage im : frames) {
                Frame f = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
                ByteBuffer b = (ByteBuffer) f.image[0];
                for (int y = 0; y < h; y++) {
                    b.position(y * f.imageStride);
                    b.put(im.rgb(), y * w * 3, w * 3);
                }
                b.rewind();
                r.record(f, avutil.AV_PIX_FMT_RGB24);
            }
            r.stop();
        }
        return file;
    }
}
