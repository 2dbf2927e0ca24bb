package org.megaportraits.host.video;

/** Decoded audio samples as signed 16-bit, channels interleaved; owned (copied out of the decoder). */
public record AudioChunk(int sampleRate, int channels, short[] samples) {

    /** Samples per channel. */
    public int frames() {
        return samples.length / channels;
    }
}
