package org.megaportraits.training.proof;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.megaportraits.face.impl.FaceAnalyzerComponent;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.training.data.FolderSource;
import org.megaportraits.training.data.Planar;
import org.megaportraits.training.data.TestClips;

/**
 * Makes short talking-head-like clips from the real faces of face-api's demo photos by applying
 * known motion: every face large enough becomes one identity, a square around it (3 face widths)
 * moved over {@code frames} frames by a smooth in-plane rotation (up to 8 degrees), shift (up to 6 %
 * of the square) and zoom (up to 8 %), written as an MPEG-4 video of {@code size} pixels. A clip
 * is kept only if the face pipeline finds a face in all its frames. The first
 * {@code heldOut} identities (in photo order) go to {@code out/heldout}, the rest to {@code out/train}.
 *
 * <p>Usage: {@code FaceClipMaker OUT_DIR [frames=16] [size=192] [heldOut=4] [minFace=70]}.
 */
public final class FaceClipMaker {

    private FaceClipMaker() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 192;
        int heldOut = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        double minFace = args.length > 4 ? Double.parseDouble(args[4]) : 70;
        FaceApiPackage pkg = FaceApiPackage.locate();
        Files.createDirectories(out.resolve("train"));
        Files.createDirectories(out.resolve("heldout"));
        int made = 0;
        FaceAnalyzer analyzer = new FaceAnalyzerComponent();
        try (FaceAnalyzer.Session faces = analyzer.open(ExecutionOptions.CPU)) {
            for (int photo = 1; photo <= 6; photo++) {
                RgbImage image = FolderSource.readImage(pkg.demoPhoto(photo));
                Planar p = Planar.of(image);
                List<Face> found = faces.detect(image);
                for (Face f : found) {
                    if (f.box().width() < minFace) {
                        continue;
                    }
                    double side = f.box().width() * 3;
                    double cx = f.box().x() + f.box().width() / 2;
                    double cy = f.box().y() + f.box().height() * 0.45;
                    List<RgbImage> clip = new ArrayList<>();
                    for (int t = 0; t < frames; t++) {
                        double phase = 2 * Math.PI * t / frames;
                        double angle = Math.toRadians(8) * Math.sin(phase);
                        double dx = 0.06 * side * Math.sin(2 * phase + 1);
                        double dy = 0.04 * side * Math.cos(phase);
                        double zoom = 1 + 0.08 * Math.sin(3 * phase);
                        clip.add(view(p, cx + dx, cy + dy, side / zoom, angle, size).toRgb());
                    }
                    long seen = clip.stream().filter(frame -> !faces.detect(frame).isEmpty()).count();
                    if (seen < frames) {
                        System.out.printf("%s: face %.0f px skipped, found in %d of %d frames%n",
                                pkg.demoPhoto(photo).getFileName(), f.box().width(), seen, frames);
                        continue;
                    }
                    String name = String.format("photo%d-face%02d.mp4", photo, made);
                    Path dir = out.resolve(made < heldOut ? "heldout" : "train");
                    TestClips.write(dir.resolve(name), clip.toArray(new RgbImage[0]));
                    System.out.printf("%s: face %.0f px at (%.0f, %.0f) -> %s%n", pkg.demoPhoto(photo).getFileName(),
                            f.box().width(), cx, cy, dir.resolve(name));
                    made++;
                }
            }
        }
        System.out.println(made + " clips");
    }

    /** A size x size view of a square of side {@code side} centred at (cx, cy), turned by {@code angle}. */
    private static Planar view(Planar p, double cx, double cy, double side, double angle, int size) {
        double k = side / size;
        double cos = Math.cos(angle) * k;
        double sin = Math.sin(angle) * k;
        return p.remap(size, size, (x, y, o) -> {
            double u = x + 0.5 - size / 2.0;
            double v = y + 0.5 - size / 2.0;
            o[0] = cx + cos * u - sin * v - 0.5;
            o[1] = cy + sin * u + cos * v - 0.5;
        });
    }
}
