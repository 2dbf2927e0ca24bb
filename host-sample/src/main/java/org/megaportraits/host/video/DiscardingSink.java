package org.megaportraits.host.video;

import org.megaportraits.sdk.image.RgbImage;

/** A {@link FrameSink} that counts frames and writes nothing (for measuring what encoding costs a job). */
public final class DiscardingSink implements FrameSink {

    private final int width;
    private final int height;
    private long framesWritten;

    /** A sink for frames of one size, as a video file would take. */
    public DiscardingSink(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void writeImage(RgbImage image) {
        if (image.width() != width || image.height() != height) {
            throw new IllegalArgumentException("frame of " + image.width() + "x" + image.height() + " given to a "
                    + width + "x" + height + " sink");
        }
        framesWritten++;
    }

    @Override
    public void writeAudio(AudioChunk chunk) {
        // dropped
    }

    @Override
    public long framesWritten() {
        return framesWritten;
    }

    @Override
    public void finish() {
        // nothing to complete
    }

    @Override
    public void close() {
        // nothing held
    }
}
