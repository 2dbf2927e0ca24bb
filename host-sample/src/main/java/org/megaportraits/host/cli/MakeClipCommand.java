package org.megaportraits.host.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.megaportraits.host.video.FrameRate;
import org.megaportraits.host.video.StillMotionClip;
import org.megaportraits.host.video.VideoReader;
import org.megaportraits.sdk.image.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Makes a driver clip with known motion from a still photo. */
@Command(name = "make-clip", mixinStandardHelpOptions = true,
        description = {"Make a short video with known head motion from one photo: a square window pans, zooms and",
                "rolls over the photo around a point (a face), with a sine tone as sound. For demos and tests."})
final class MakeClipCommand implements Callable<Integer> {

    @Option(names = "--image", required = true, paramLabel = "PHOTO", description = "The photo.")
    private Path image;

    @Option(names = "--out", required = true, paramLabel = "OUT.mp4", description = "The clip to write.")
    private Path out;

    @Option(names = "--centre", paramLabel = "X,Y", split = ",",
            description = "Photo pixel the window centres on (default: the photo's centre).")
    private double[] centre;

    @Option(names = "--side", paramLabel = "PX", description = "Window side in photo pixels (default: half the photo's shorter side).")
    private double side;

    @Option(names = "--size", paramLabel = "PX", description = "Frame side of the clip (default: ${DEFAULT-VALUE}).")
    private int size = 512;

    @Option(names = "--frames", description = "Number of frames (default: ${DEFAULT-VALUE}).")
    private int frames = 50;

    @Option(names = "--fps", description = "Frames per second (default: ${DEFAULT-VALUE}).")
    private int fps = 25;

    @Option(names = "--tone", paramLabel = "HZ", description = "Pitch of the sound (default: ${DEFAULT-VALUE}).")
    private double tone = 440;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        RgbImage photo = VideoReader.readStill(image);
        double cx = centre != null && centre.length == 2 ? centre[0] : photo.width() / 2.0;
        double cy = centre != null && centre.length == 2 ? centre[1] : photo.height() / 2.0;
        double s = side > 0 ? side : Math.min(photo.width(), photo.height()) / 2.0;
        new StillMotionClip(cx, cy, s, size, frames, new FrameRate(fps, 1), tone).write(photo, out);
        spec.commandLine().getOut().printf("wrote %s: %d frames of %dx%d at %d fps with a %.0f Hz tone%n", out, frames, size,
                size, fps, tone);
        return 0;
    }
}
