package org.megaportraits.host.video;

/**
 * What every H.264 encoder of one video is opened with. Segments are encoded by separate encoders
 * and joined into one stream, so they must all be opened with exactly these values.
 *
 * @param width       encoded width (even)
 * @param height      encoded height (even)
 * @param sourceWidth width of the RGB frames given, whose rows are {@code sourceWidth * 3} bytes apart
 * @param rate        frame rate; the time base is its inverse, one tick per frame
 * @param bitRate     target bits per second
 * @param gop         frames per segment: each starts with an IDR frame
 */
record H264Settings(int width, int height, int sourceWidth, FrameRate rate, long bitRate, int gop) {

    /** Checks the sizes fit 4:2:0 and the frames they crop. */
    H264Settings {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0 || sourceWidth < width || gop < 1) {
            throw new IllegalArgumentException("cannot encode " + width + "x" + height + " from frames " + sourceWidth
                    + " wide in segments of " + gop);
        }
    }
}
