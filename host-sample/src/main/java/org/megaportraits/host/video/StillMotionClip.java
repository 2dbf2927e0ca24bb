package org.megaportraits.host.video;

import java.nio.file.Path;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.image.RgbImage;

/**
 * Footage with known motion made from one real photo: a square window moves over the photo along a
 * fixed path (pan, zoom, roll), each frame is that window resampled bilinearly, and the clip gets a
 * sine tone as sound. Driver clips for tests and the demo, where the true motion of every frame is
 * {@link #window(int)}.
 *
 * @param centreX  photo x of the window's centre at rest
 * @param centreY  photo y of the window's centre at rest
 * @param side     the window's side in photo pixels at rest
 * @param size     the clip's frame side in pixels
 * @param frames   number of frames; the path makes one full cycle over them
 * @param rate     frame rate
 * @param toneHz   pitch of the sine tone
 */
public record StillMotionClip(double centreX, double centreY, double side, int size, int frames, FrameRate rate,
                              double toneHz) {

    /** Sample rate of the tone. */
    public static final int SAMPLE_RATE = 48_000;

    /** Where the window is in one frame: centre and side in photo pixels, roll in radians. */
    public record Window(double centreX, double centreY, double side, double roll) {
    }

    /** Checks the clip is not empty. */
    public StillMotionClip {
        if (size < 2 || frames < 1 || side <= 0) {
            throw new InvalidInputException("a clip needs a size of 2 px or more, one frame or more and a window",
                    "give positive --size, --frames and --side");
        }
    }

    /** The window of frame i: a pan of 8 % x 5 % of the side, a 10 % zoom and a 7 degree roll, one cycle. */
    public Window window(int i) {
        double phase = 2 * Math.PI * i / frames;
        return new Window(centreX + 0.08 * side * Math.sin(phase), centreY + 0.05 * side * Math.sin(2 * phase),
                side * (1 + 0.1 * Math.sin(phase)), Math.toRadians(7) * Math.sin(phase));
    }

    /** Frame i cut from the photo (outside the photo is black). */
    public RgbImage frame(RgbImage photo, int i) {
        Window w = window(i);
        double scale = w.side() / size;
        double cos = Math.cos(w.roll()) * scale;
        double sin = Math.sin(w.roll()) * scale;
        byte[] out = new byte[size * size * 3];
        byte[] src = photo.rgb();
        int pw = photo.width();
        int ph = photo.height();
        double half = size / 2.0;
        for (int y = 0; y < size; y++) {
            double dy = y + 0.5 - half;
            for (int x = 0; x < size; x++) {
                double dx = x + 0.5 - half;
                // photo coordinates of the pixel centre, minus 0.5 to index pixel centres
                double sx = w.centreX() + cos * dx - sin * dy - 0.5;
                double sy = w.centreY() + sin * dx + cos * dy - 0.5;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                if (x0 < 0 || y0 < 0 || x0 + 1 >= pw || y0 + 1 >= ph) {
                    continue;
                }
                double fx = sx - x0;
                double fy = sy - y0;
                int p00 = (y0 * pw + x0) * 3;
                int p01 = p00 + 3;
                int p10 = p00 + pw * 3;
                int p11 = p10 + 3;
                int o = (y * size + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double top = (src[p00 + c] & 0xff) * (1 - fx) + (src[p01 + c] & 0xff) * fx;
                    double bottom = (src[p10 + c] & 0xff) * (1 - fx) + (src[p11 + c] & 0xff) * fx;
                    out[o + c] = (byte) Math.round(top * (1 - fy) + bottom * fy);
                }
            }
        }
        return new RgbImage(size, size, out);
    }

    /** The tone for the whole clip: mono 16-bit at {@link #SAMPLE_RATE}, as long as the video. */
    public AudioChunk tone() {
        int n = (int) Math.round((double) frames / rate.perSecond() * SAMPLE_RATE);
        short[] samples = new short[n];
        for (int i = 0; i < n; i++) {
            samples[i] = (short) Math.round(0.3 * Short.MAX_VALUE * Math.sin(2 * Math.PI * toneHz * i / SAMPLE_RATE));
        }
        return new AudioChunk(SAMPLE_RATE, 1, samples);
    }

    /** Writes the clip with its tone as an MP4 file. */
    public void write(RgbImage photo, Path out) {
        AudioChunk tone = tone();
        try (VideoWriter writer = VideoWriter.create(out, size, size, rate, new AudioInfo("pcm_s16le", 1, SAMPLE_RATE, -1))) {
            int perFrame = tone.samples().length / frames;
            for (int i = 0; i < frames; i++) {
                writer.writeImage(frame(photo, i));
                int from = i * perFrame;
                int to = i == frames - 1 ? tone.samples().length : from + perFrame;
                writer.writeAudio(new AudioChunk(SAMPLE_RATE, 1, java.util.Arrays.copyOfRange(tone.samples(), from, to)));
            }
            writer.finish();
        }
    }
}
