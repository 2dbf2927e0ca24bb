package org.megaportraits.host.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.megaportraits.host.video.FFmpegError.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * Writes encoded packets into an MP4 file with its index at the front (+faststart: players start
 * before the whole file is there, and a cut copy still opens). Packets of the streams are
 * interleaved by decoding time by FFmpeg, so each stream only has to come in its own order. Not
 * thread-safe; the writer's thread uses it.
 */
final class Mp4Muxer implements AutoCloseable {

    private final AVFormatContext context;
    private final AVPacket packet;
    /** Each stream's encoder time base, which its packets' times are in. */
    private final List<AVRational> encoderTimeBases = new ArrayList<>();
    private boolean fileOpen;
    private boolean freed;

    private Mp4Muxer(AVFormatContext context, AVPacket packet) {
        this.context = context;
        this.packet = packet;
    }

    /** Creates (or truncates) the file; add the streams, then {@link #start()}. */
    static Mp4Muxer open(Path file) throws IOException {
        // UTF-8, as FFmpeg reads file names; the mov muxer reopens the file by this name for +faststart
        BytePointer name = new BytePointer(file.toString(), StandardCharsets.UTF_8);
        AVFormatContext context = new AVFormatContext(null);
        check(avformat_alloc_output_context2(context, (AVOutputFormat) null, new BytePointer("mp4"), name),
                "setting up MP4 output");
        AVPacket packet = av_packet_alloc();
        Mp4Muxer muxer = new Mp4Muxer(context, packet);
        try {
            if (packet == null) {
                throw new IOException("cannot allocate a packet");
            }
            AVIOContext io = new AVIOContext(null);
            check(avio_open(io, name, AVIO_FLAG_WRITE), "opening " + file + " for writing");
            context.pb(io);
            muxer.fileOpen = true;
        } catch (IOException | RuntimeException e) {
            muxer.close();
            throw e;
        }
        return muxer;
    }

    /** Adds a stream described by an open encoder; returns its index. */
    int addStream(AVCodecContext encoder) throws IOException {
        AVStream stream = avformat_new_stream(context, null);
        if (stream == null) {
            throw new IOException("cannot add a stream to the MP4 file");
        }
        check(avcodec_parameters_from_context(stream.codecpar(), encoder), "describing a stream");
        // a hint: the muxer picks its own time scale from it
        stream.time_base(encoder.time_base());
        if (encoder.framerate().num() > 0) {
            stream.avg_frame_rate(encoder.framerate());
        }
        AVRational timeBase = new AVRational();
        timeBase.num(encoder.time_base().num()).den(encoder.time_base().den());
        encoderTimeBases.add(timeBase);
        return stream.index();
    }

    /** Writes the file header once every stream is added. */
    void start() throws IOException {
        AVDictionary options = new AVDictionary(null);
        try {
            av_dict_set(options, "movflags", "+faststart", 0);
            check(avformat_write_header(context, options), "writing the MP4 header");
        } finally {
            av_dict_free(options);
        }
    }

    /** Writes a packet of a stream, its times in that stream's encoder time base. */
    void write(int stream, EncodedPacket p) throws IOException {
        check(av_new_packet(packet, p.data().length), "allocating a packet");
        try {
            packet.data().put(p.data(), 0, p.data().length);
            packet.pts(p.pts()).dts(p.dts()).duration(p.duration()).flags(p.key() ? AV_PKT_FLAG_KEY : 0).stream_index(stream);
            av_packet_rescale_ts(packet, encoderTimeBases.get(stream), context.streams(stream).time_base());
            // takes the packet's data (and leaves it blank) when it succeeds
            check(av_interleaved_write_frame(context, packet), "writing a packet to the MP4 file");
        } finally {
            av_packet_unref(packet);
        }
    }

    /** Writes out what the interleaving held back and the index, and closes the file. */
    void finish() throws IOException {
        check(av_write_trailer(context), "writing the MP4 index");
        closeFile();
    }

    private void closeFile() throws IOException {
        if (fileOpen) {
            fileOpen = false;
            int status = avio_closep(context.pb());
            context.pb(null);
            check(status, "closing the MP4 file");
        }
    }

    /** Frees everything; a file not finished is left as it is (the caller deletes it). */
    @Override
    public void close() {
        if (freed) {
            return;
        }
        freed = true;
        try {
            closeFile();
        } catch (IOException e) {
            // an unfinished file is deleted next; there is nothing to save
        }
        avformat_free_context(context);
        if (packet != null) {
            av_packet_free(packet);
        }
    }
}
