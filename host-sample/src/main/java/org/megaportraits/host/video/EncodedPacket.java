package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;

import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * One compressed packet copied out of an encoder into the Java heap, so an encoder thread can hand
 * it to the muxing thread and free its native packet at once.
 *
 * @param data     the compressed bytes
 * @param pts      presentation time in the encoder's time base
 * @param dts      decoding time in the encoder's time base
 * @param duration duration in the encoder's time base
 * @param key      whether a decoder can start here
 */
record EncodedPacket(byte[] data, long pts, long dts, long duration, boolean key) {

    /** Copies the packet the encoder just returned (its bytes and timing; side data is not kept). */
    static EncodedPacket copyOf(AVPacket packet) {
        byte[] bytes = new byte[packet.size()];
        packet.data().get(bytes);
        return new EncodedPacket(bytes, packet.pts(), packet.dts(), packet.duration(), (packet.flags() & AV_PKT_FLAG_KEY) != 0);
    }
}
