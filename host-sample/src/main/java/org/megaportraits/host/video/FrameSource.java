package org.megaportraits.host.video;

/**
 * Where a {@link VideoPipeline} takes its frames and sound: a video file ({@link VideoReader}), or
 * frames already decoded ({@link DecodedVideo}, to measure a job without decoding).
 */
public interface FrameSource extends AutoCloseable {

    /** What the video declares: size, frame rate, audio. */
    VideoInfo info();

    /**
     * The next video frame ({@link org.megaportraits.sdk.image.RgbImage}) or piece of audio
     * ({@link AudioChunk}) in stream order; null at the end.
     *
     * @throws org.megaportraits.sdk.InvalidInputException if the video turns out damaged
     */
    Object next();

    @Override
    void close();
}
