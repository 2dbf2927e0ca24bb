package org.megaportraits.host.video;

import java.nio.file.Path;

/**
 * What a video file holds, as its container declares it.
 *
 * @param frames         video frames the container declares, or -1 if it does not say
 * @param durationMicros the longest stream's duration
 * @param audio          the first audio stream, or null for a silent video
 */
public record VideoInfo(Path file, String container, String videoCodec, int width, int height, FrameRate frameRate,
                        long frames, long durationMicros, AudioInfo audio) {

    /** The declared frame count, else one estimated from duration and frame rate. */
    public long expectedFrames() {
        return frames > 0 ? frames : Math.round(durationMicros / 1e6 * frameRate.perSecond());
    }

    /** True if the video has an audio stream. */
    public boolean hasAudio() {
        return audio != null;
    }
}
