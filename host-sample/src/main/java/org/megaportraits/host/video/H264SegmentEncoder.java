package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.megaportraits.host.video.FFmpegError.check;

import java.io.IOException;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.megaportraits.sdk.image.RgbImage;

/**
 * One OpenH264 encoder, single-threaded, for one segment of a video (or, never fed, for the stream
 * header): converts RGB frames to YUV 4:2:0 and encodes them. With a global header FFmpeg's OpenH264
 * wrapper puts SPS and PPS only in {@link #header()}, so the segments of one video, each from an
 * encoder of its own, join into one stream under one header. Not thread-safe; one thread uses it.
 */
final class H264SegmentEncoder implements AutoCloseable {

    private final H264Settings settings;
    private AVCodecContext context;
    private SwsContext converter;
    private AVFrame picture;
    private AVPacket packet;
    private BytePointer rgb;
    private PointerPointer<?> rgbPlanes;
    private IntPointer rgbStride;

    private H264SegmentEncoder(H264Settings settings) {
        this.settings = settings;
    }

    /** Opens an encoder with the video's settings. */
    static H264SegmentEncoder open(H264Settings settings) throws IOException {
        H264SegmentEncoder encoder = new H264SegmentEncoder(settings);
        try {
            encoder.start();
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
        return encoder;
    }

    private void start() throws IOException {
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            throw new IOException("this FFmpeg build has no OpenH264 encoder (libopenh264)");
        }
        context = avcodec_alloc_context3(codec);
        if (context == null) {
            throw new IOException("cannot allocate an H.264 encoder");
        }
        FrameRate rate = settings.rate();
        context.width(settings.width())
                .height(settings.height())
                .pix_fmt(AV_PIX_FMT_YUV420P)
                .time_base(av_make_q(rate.denominator(), rate.numerator()))
                .framerate(av_make_q(rate.numerator(), rate.denominator()))
                .bit_rate(settings.bitRate())
                // one IDR frame per segment, at its start: the segment is the GOP
                .gop_size(settings.gop())
                // the segments are the parallelism; one slice also keeps the stream the same on any machine
                .thread_count(1)
                .slices(1)
                .flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        check(avcodec_open2(context, codec, (AVDictionary) null), "opening the OpenH264 encoder");

        int w = settings.width();
        int h = settings.height();
        // SWS_BILINEAR as JavaCV used: the chroma of earlier videos is kept
        converter = sws_getContext(w, h, AV_PIX_FMT_RGB24, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null,
                (DoublePointer) null);
        picture = av_frame_alloc();
        packet = av_packet_alloc();
        if (converter == null || picture == null || packet == null) {
            throw new IOException("cannot allocate the RGB to YUV conversion for " + w + "x" + h);
        }
        picture.format(AV_PIX_FMT_YUV420P).width(w).height(h);
        check(av_frame_get_buffer(picture, 0), "allocating a YUV frame");
        // the source rows keep the frame's width: an odd-sized frame loses its last column, it is not rescaled
        rgb = new BytePointer((long) settings.sourceWidth() * 3 * h);
        // sws_scale reads four plane pointers and strides, whatever the format uses
        rgbPlanes = new PointerPointer<>(4).put(0, rgb);
        rgbStride = new IntPointer(settings.sourceWidth() * 3, 0, 0, 0);
    }

    /** The SPS and PPS (Annex B) every segment's packets refer to: the same bytes for encoders of the same settings. */
    byte[] header() {
        byte[] bytes = new byte[context.extradata_size()];
        context.extradata().get(bytes);
        return bytes;
    }

    /** The open codec context, for the muxer to describe the stream by. */
    AVCodecContext context() {
        return context;
    }

    /** Converts a frame to YUV, ready for {@link #encode}; the image is not needed after this returns. */
    void convert(RgbImage image) throws IOException {
        rgb.position(0).put(image.rgb(), 0, (int) rgb.capacity());
        // the encoder may still hold the last picture's buffer: then write into a fresh one
        check(av_frame_make_writable(picture), "preparing a YUV frame");
        sws_scale(converter, rgbPlanes, rgbStride, 0, settings.height(), picture.data(), picture.linesize());
    }

    /** Encodes the converted frame as frame {@code index} of the video, adding the packets it gives. */
    void encode(long index, List<EncodedPacket> out) throws IOException {
        picture.pts(index).duration(1);
        check(avcodec_send_frame(context, picture), "encoding frame " + index);
        receive(out);
    }

    /** Drains the encoder at the end of the segment. */
    void flush(List<EncodedPacket> out) throws IOException {
        check(avcodec_send_frame(context, null), "flushing the H.264 encoder");
        receive(out);
    }

    private void receive(List<EncodedPacket> out) throws IOException {
        EncodedPacket.drain(context, packet, out, "H.264");
    }

    @Override
    public void close() {
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
        if (converter != null) {
            sws_freeContext(converter);
            converter = null;
        }
        if (picture != null) {
            av_frame_free(picture);
            picture = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (rgb != null) {
            rgbPlanes.close();
            rgbStride.close();
            rgb.close();
            rgb = null;
        }
    }
}
