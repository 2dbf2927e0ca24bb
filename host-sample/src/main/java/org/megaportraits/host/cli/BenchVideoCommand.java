package org.megaportraits.host.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.megaportraits.host.video.FrameRate;
import org.megaportraits.host.video.Progress;
import org.megaportraits.host.video.StillMotionClip;
import org.megaportraits.host.video.VideoPipeline;
import org.megaportraits.host.video.VideoReader;
import org.megaportraits.host.video.VideoWriter;
import org.megaportraits.sdk.image.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Measures video decoding and encoding speed. */
@Command(name = "bench-video", mixinStandardHelpOptions = true,
        description = {"Measure H.264 encode and decode speed, and decode+encode on two threads (the job's video path),",
                "in frames per second, on moving footage cut from a photo (or a generated texture)."})
final class BenchVideoCommand implements Callable<Integer> {

    @Option(names = "--size", paramLabel = "PX", description = "Frame side (default: ${DEFAULT-VALUE}).")
    private int size = 512;

    @Option(names = "--frames", description = "Frames per measurement (default: ${DEFAULT-VALUE}).")
    private int frames = 250;

    @Option(names = "--image", paramLabel = "PHOTO", description = "Photo to cut the footage from (default: a generated texture).")
    private Path image;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        RgbImage photo = image != null ? VideoReader.readStill(image) : texture(4 * size, 3 * size);
        FrameRate rate = new FrameRate(25, 1);
        StillMotionClip clip = new StillMotionClip(photo.width() / 2.0, photo.height() / 2.0,
                Math.min(photo.width(), photo.height()) / 2.0, size, frames, rate, 440);
        List<RgbImage> footage = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            footage.add(clip.frame(photo, i));
        }
        Path dir = Files.createTempDirectory("portraits-bench-");
        try {
            Path encoded = dir.resolve("encoded.mp4");
            long t0 = System.nanoTime();
            try (VideoWriter w = VideoWriter.create(encoded, size, size, rate, null)) {
                footage.forEach(w::writeImage);
                w.finish();
            }
            double encode = frames / ((System.nanoTime() - t0) / 1e9);

            long t1 = System.nanoTime();
            long decoded = 0;
            try (VideoReader r = VideoReader.open(encoded)) {
                while (r.nextImage() != null) {
                    decoded++;
                }
            }
            double decode = decoded / ((System.nanoTime() - t1) / 1e9);

            long t2 = System.nanoTime();
            try (VideoReader r = VideoReader.open(encoded);
                 VideoWriter w = VideoWriter.create(dir.resolve("transcoded.mp4"), size, size, rate, null)) {
                VideoPipeline.run(r, w, 8, batch -> batch, Progress.silent());
            }
            double both = frames / ((System.nanoTime() - t2) / 1e9);

            out.printf(Locale.ROOT, "footage: %d frames of %dx%d, %s, %d cores%n", frames, size, size,
                    image != null ? image.getFileName() : "generated texture", Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "encode H.264 (OpenH264):          %7.1f frames/s%n", encode);
            out.printf(Locale.ROOT, "decode H.264 to RGB:              %7.1f frames/s%n", decode);
            out.printf(Locale.ROOT, "decode + encode, reader + writer: %7.1f frames/s%n", both);
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    /** Smooth colour waves with fine noise: detail for the encoder to spend bits on. */
    private static RgbImage texture(int w, int h) {
        Random random = new Random(1);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 60 * Math.sin(x / (23.0 + 7 * c)) * Math.cos(y / (31.0 - 5 * c)) + random.nextGaussian() * 12;
                    rgb[o + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
