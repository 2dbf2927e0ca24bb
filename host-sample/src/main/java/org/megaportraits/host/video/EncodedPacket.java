package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.io.IOException;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
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

    /**
     * Appends every packet the encoder has ready, copied ({@code packet} is the encoder's reusable
     * native packet, unreferenced after each copy).
     *
     * @param what the codec, for the error message
     */
    static void drain(AVCodecContext encoder, AVPacket packet, List<EncodedPacket> out, String what) throws IOException {
        while (true) {
            int status = avcodec_receive_packet(encoder, packet);
            if (status == AVERROR_EAGAIN() || status == AVERROR_EOF) {
                return;
            }
            FFmpegError.check(status, "receiving an " + what + " packet");
            try {
                out.add(copyOf(packet));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** Copies the packet the encoder just returned (its bytes and timing; side data is not kept). */
    static EncodedPacket copyOf(AVPacket packet) {
        byte[] bytes = new byte[packet.size()];
        packet.data().get(bytes);
        return new EncodedPacket(bytes, packet.pts(), packet.dts(), packet.duration(), (packet.flags() & AV_PKT_FLAG_KEY) != 0);
    }
}
