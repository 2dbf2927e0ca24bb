package org.megaportraits.host.video;

import org.megaportraits.sdk.image.RgbImage;

/**
 * Where a {@link VideoPipeline} puts its frames and sound: a video file ({@link VideoWriter}), or
 * nowhere ({@link DiscardingSink}, to measure a job without encoding).
 */
public interface FrameSink extends AutoCloseable {

    /** Appends one frame (kept, not copied: do not change it afterwards). */
    void writeImage(RgbImage image);

    /** Appends audio. */
    void writeAudio(AudioChunk chunk);

    /** Frames written so far. */
    long framesWritten();

    /** Completes the output; a sink closed without it leaves no output behind. */
    void finish();

    @Override
    void close();
}
