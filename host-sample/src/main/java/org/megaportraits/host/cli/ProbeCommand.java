package org.megaportraits.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.megaportraits.host.video.AudioInfo;
import org.megaportraits.host.video.VideoInfo;
import org.megaportraits.host.video.VideoReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints what a video holds. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Show a video's size, frame rate, frame count, duration and audio.")
final class ProbeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VIDEO", description = "Any file FFmpeg reads.")
    private Path video;

    @Option(names = "--count", description = "Decode every frame to count them exactly (and to check the file is intact).")
    private boolean count;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (VideoReader reader = VideoReader.open(video)) {
            VideoInfo i = reader.info();
            out.printf("file:      %s%n", i.file());
            out.printf("container: %s%n", i.container());
            out.printf(Locale.ROOT, "video:     %s %dx%d, %.3f fps (%s)%n", i.videoCodec(), i.width(), i.height(),
                    i.frameRate().perSecond(), i.frameRate());
            if (count) {
                while (reader.nextImage() != null) {
                    // counting only
                }
                out.printf("frames:    %d (decoded)%n", reader.framesRead());
            } else if (i.frames() > 0) {
                out.printf("frames:    %d (declared by the container)%n", i.frames());
            } else {
                out.printf("frames:    about %d (from duration and frame rate; --count decodes them)%n", i.expectedFrames());
            }
            out.printf(Locale.ROOT, "duration:  %.3f s%n", i.durationMicros() / 1e6);
            AudioInfo a = i.audio();
            if (a == null) {
                out.println("audio:     none");
            } else {
                out.printf(Locale.ROOT, "audio:     %s, %d channel(s), %d Hz, %.3f s%n", a.codec(), a.channels(), a.sampleRate(),
                        a.durationMicros() / 1e6);
            }
        }
        return 0;
    }
}
