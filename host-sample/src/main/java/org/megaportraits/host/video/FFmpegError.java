package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** FFmpeg's C calls answer a negative code on failure: this turns one into an IOException that says what failed. */
final class FFmpegError {

    private FFmpegError() {
    }

    /** Returns {@code status} when it is not an error, else throws naming {@code what} and FFmpeg's own words. */
    static int check(int status, String what) throws IOException {
        if (status < 0) {
            throw new IOException(what + " failed: " + describe(status));
        }
        return status;
    }

    /** FFmpeg's text for an error code. */
    static String describe(int status) {
        byte[] text = new byte[256];
        if (av_strerror(status, text, text.length) < 0) {
            return "FFmpeg error " + status;
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }
}
