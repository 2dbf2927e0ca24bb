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
 * known motion: every face large enough becomes one identity, a square around it ({@code margin}
 * face widths, 3 by default)
 * moved over {@code frames} frames by a smooth in-plane rotation (up to {@code roll} degrees), shift
 * (up to 6 % of the square times {@code motion}), zoom (up to 8 % times {@code motion}) and an out-of-plane turn of the picture plane (yaw
 * up to {@code yaw} degrees, pitch up to half of it, seen by a pinhole camera at twice the square's
 * side): face alignment undoes the in-plane part, the foreshortening of the turn stays. Written as
 * an MPEG-4 video of {@code size} pixels. A clip
 * is kept only if the face pipeline finds a face in three quarters of its frames or more (training
 * skips the others). The first
 * {@code heldOut} identities (in photo order) go to {@code out/heldout}, the rest to {@code out/train}.
 *
 * <p>Usage: {@code FaceClipMaker OUT_DIR [frames=16] [size=384] [heldOut=4] [minFace=70] [roll=8] [yaw=0]
 * [margin=3] [check=true] [motion=1]}: {@code check=false} keeps every clip (data for pre-cropped training,
 * where no detector runs).
 */
public final class FaceClipMaker {

    private FaceClipMaker() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 384;
        int heldOut = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        double minFace = args.length > 4 ? Double.parseDouble(args[4]) : 70;
        double roll = args.length > 5 ? Double.parseDouble(args[5]) : 8;
        double yaw = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        double margin = args.length > 7 ? Double.parseDouble(args[7]) : 3;
        boolean check = args.length <= 8 || Boolean.parseBoolean(args[8]);
        double motion = args.length > 9 ? Double.parseDouble(args[9]) : 1;
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
                    double side = f.box().width() * margin;
                    double cx = f.box().x() + f.box().width() / 2;
                    double cy = f.box().y() + f.box().height() * 0.45;
                    List<RgbImage> clip = new ArrayList<>();
                    for (int t = 0; t < frames; t++) {
                        double phase = 2 * Math.PI * t / frames;
                        double angle = Math.toRadians(roll) * Math.sin(phase);
                        double dx = 0.06 * motion * side * Math.sin(2 * phase + 1);
                        double dy = 0.04 * motion * side * Math.cos(phase);
                        double zoom = 1 + 0.08 * motion * Math.sin(3 * phase);
                        double turn = Math.toRadians(yaw) * Math.sin(phase + 0.7);
                        double nod = Math.toRadians(yaw / 2) * Math.sin(2 * phase);
                        clip.add(view(p, cx + dx, cy + dy, side / zoom, angle, turn, nod, size).toRgb());
                    }
                    long seen = check ? clip.stream().filter(frame -> !faces.detect(frame).isEmpty()).count() : frames;
                    if (seen * 4 < frames * 3) {
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

    /**
     * A size x size view of a square of side {@code side} centred at (cx, cy), turned in-plane by
     * {@code angle} and out of plane by {@code yaw} (about the vertical axis) and {@code pitch}
     * (about the horizontal one): the square is a plane at distance 2 * side from a pinhole camera
     * of focal length 2 * side, so an unturned plane fills the view.
     */
    private static Planar view(Planar p, double cx, double cy, double side, double angle, double yaw, double pitch,
                               int size) {
        double d = 2.0;
        double cyaw = Math.cos(yaw);
        double syaw = Math.sin(yaw);
        double cp = Math.cos(pitch);
        double sp = Math.sin(pitch);
        // columns of R = Rx(pitch) * Ry(yaw) for the plane's u and v axes
        double[] r1 = {cyaw, sp * syaw, -cp * syaw};
        double[] r2 = {0, cp, sp};
        // homography from plane (u, v, 1) to image (x, y, 1), both in units of the side: H = [r1 r2 (0, 0, d)] with f = d
        double[][] h = {{d * r1[0], d * r2[0], 0}, {d * r1[1], d * r2[1], 0}, {r1[2], r2[2], d}};
        double[][] inv = invert(h);
        double k = side;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        return p.remap(size, size, (x, y, o) -> {
            double xn = (x + 0.5) / size - 0.5;
            double yn = (y + 0.5) / size - 0.5;
            double w = inv[2][0] * xn + inv[2][1] * yn + inv[2][2];
            double u = (inv[0][0] * xn + inv[0][1] * yn + inv[0][2]) / w;
            double v = (inv[1][0] * xn + inv[1][1] * yn + inv[1][2]) / w;
            o[0] = cx + k * (cos * u - sin * v) - 0.5;
            o[1] = cy + k * (sin * u + cos * v) - 0.5;
        });
    }

    private static double[][] invert(double[][] m) {
        double a = m[0][0];
        double b = m[0][1];
        double c = m[0][2];
        double d = m[1][0];
        double e = m[1][1];
        double f = m[1][2];
        double g = m[2][0];
        double h = m[2][1];
        double i = m[2][2];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[][] {
            {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
            {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
            {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det}};
    }
}
