package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.megaportraits.host.video.FFmpegError.check;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/**
 * FFmpeg's own AAC encoder for 16-bit interleaved audio: gathers the samples into frames of the
 * encoder's size (planar floats, as it takes them) and encodes them, timed by their sample count
 * from the video's start. Not thread-safe; the writer's thread uses it.
 */
final class AacEncoder implements AutoCloseable {

    /** Bits per second per channel; beyond stereo the rate stays that of stereo. */
    private static final int BITS_PER_CHANNEL = 96_000;

    private final int sampleRate;
    private final int channels;
    private AVCodecContext context;
    private AVFrame frame;
    private AVPacket packet;
    /** Samples gathered for the next frame, one array per channel. */
    private float[][] pending;
    private int pendingCount;
    private long samplesSent;

    private AacEncoder(int sampleRate, int channels) {
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /** Opens an encoder for audio of this rate and channel count. */
    static AacEncoder open(int sampleRate, int channels) throws IOException {
        AacEncoder encoder = new AacEncoder(sampleRate, channels);
        try {
            encoder.start();
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
        return encoder;
    }

    private void start() throws IOException {
        AVCodec codec = avcodec_find_encoder_by_name("aac");
        if (codec == null) {
            throw new IOException("this FFmpeg build has no AAC encoder");
        }
        context = avcodec_alloc_context3(codec);
        if (context == null) {
            throw new IOException("cannot allocate an AAC encoder");
        }
        av_channel_layout_default(context.ch_layout(), channels);
        context.sample_fmt(AV_SAMPLE_FMT_FLTP)
                .sample_rate(sampleRate)
                .time_base(av_make_q(1, sampleRate))
                .bit_rate((long) BITS_PER_CHANNEL * Math.min(channels, 2))
                // MP4 keeps the decoder configuration in the track header, not in the packets
                .flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        check(avcodec_open2(context, codec, (AVDictionary) null),
                "opening the AAC encoder for " + channels + " channels at " + sampleRate + " Hz");
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (frame == null || packet == null) {
            throw new IOException("cannot allocate an audio frame");
        }
        frame.format(AV_SAMPLE_FMT_FLTP).nb_samples(context.frame_size()).sample_rate(sampleRate);
        check(av_channel_layout_copy(frame.ch_layout(), context.ch_layout()), "setting the audio channels");
        check(av_frame_get_buffer(frame, 0), "allocating an audio frame");
        pending = new float[channels][context.frame_size()];
    }

    /** The open codec context, for the muxer to describe the stream by. */
    AVCodecContext context() {
        return context;
    }

    /**
     * Encodes a chunk of audio; returns the packets that are ready (the encoder holds some back).
     *
     * @throws IllegalArgumentException if the chunk's rate or channels are not the encoder's
     */
    List<EncodedPacket> encode(AudioChunk chunk) throws IOException {
        if (chunk.sampleRate() != sampleRate || chunk.channels() != channels) {
            throw new IllegalArgumentException("audio of " + chunk.channels() + " channels at " + chunk.sampleRate()
                    + " Hz given to a video with " + channels + " channels at " + sampleRate + " Hz");
        }
        List<EncodedPacket> out = new ArrayList<>();
        short[] samples = chunk.samples();
        int frameSize = pending[0].length;
        for (int i = 0; i < chunk.frames(); i++) {
            for (int c = 0; c < channels; c++) {
                pending[c][pendingCount] = samples[i * channels + c] / 32768f;
            }
            if (++pendingCount == frameSize) {
                send(out);
            }
        }
        return out;
    }

    /** Encodes what is left (a shorter last frame) and drains the encoder. */
    List<EncodedPacket> flush() throws IOException {
        List<EncodedPacket> out = new ArrayList<>();
        if (pendingCount > 0) {
            send(out);
        }
        check(avcodec_send_frame(context, null), "flushing the AAC encoder");
        receive(out);
        return out;
    }

    private void send(List<EncodedPacket> out) throws IOException {
        check(av_frame_make_writable(frame), "preparing an audio frame");
        frame.nb_samples(pendingCount).pts(samplesSent);
        for (int c = 0; c < channels; c++) {
            new FloatPointer(frame.data(c)).put(pending[c], 0, pendingCount);
        }
        check(avcodec_send_frame(context, frame), "encoding audio");
        samplesSent += pendingCount;
        pendingCount = 0;
        receive(out);
    }

    private void receive(List<EncodedPacket> out) throws IOException {
        EncodedPacket.drain(context, packet, out, "AAC");
    }

    @Override
    public void close() {
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
    }
}
