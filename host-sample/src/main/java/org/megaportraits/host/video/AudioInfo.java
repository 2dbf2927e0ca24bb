package org.megaportraits.host.video;

/** The audio stream of a video: codec, channels, sample rate and duration (microseconds, -1 unknown). */
public record AudioInfo(String codec, int channels, int sampleRate, long durationMicros) {
}
