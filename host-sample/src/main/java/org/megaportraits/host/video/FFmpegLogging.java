package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * FFmpeg's own log goes to stderr; by default it is silenced, since every failure it would report
 * reaches the user as an error with a remedy. {@code -Dportraits.ffmpeg.log=true} shows its errors.
 */
final class FFmpegLogging {

    private static volatile boolean set;

    private FFmpegLogging() {
    }

    static void quiet() {
        if (!set) {
            avutil.av_log_set_level(Boolean.getBoolean("portraits.ffmpeg.log") ? AV_LOG_ERROR : AV_LOG_QUIET);
            set = true;
        }
    }
}
