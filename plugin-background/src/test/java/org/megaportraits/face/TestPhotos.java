package org.megaportraits.face;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.imageio.ImageIO;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.sdk.face.Face;
import org.megaportraits.sdk.image.RgbImage;

/** The package's demo photos as frames, and drawings of what was found on them. */
public final class TestPhotos {

    /** Where drawings go (looked at by eye). */
    public static final Path OUT = Paths.get("target/face-renders");

    private TestPhotos() {
    }

    /** Demo photo {@code sample<i>.jpg} of the face-api package. */
    public static RgbImage sample(int i) {
        return read(FaceApiPackage.locate().demoPhoto(i));
    }

    /** Decodes an image file to RGB. */
    public static RgbImage read(Path file) {
        try {
            BufferedImage im = ImageIO.read(file.toFile());
            return fromBuffered(im);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a BufferedImage into an RgbImage. */
    public static RgbImage fromBuffered(BufferedImage im) {
        int w = im.getWidth();
        int h = im.getHeight();
        int[] argb = im.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, rgb);
    }

    /** An RgbImage as a BufferedImage. */
    public static BufferedImage toBuffered(RgbImage im) {
        BufferedImage out = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[im.width() * im.height()];
        byte[] rgb = im.rgb();
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        out.setRGB(0, 0, im.width(), im.height(), argb, 0, im.width());
        return out;
    }

    /** Writes a PNG of the frame with each face's box (green) and landmarks (jaw yellow, brows cyan, nose red, eyes blue, mouth magenta). */
    public static Path render(RgbImage frame, List<Face> faces, String name) {
        BufferedImage im = toBuffered(frame);
        Graphics2D g = im.createGraphics();
        float dot = Math.max(2f, frame.width() / 500f);
        g.setStroke(new BasicStroke(dot / 1.5f));
        for (Face f : faces) {
            g.setColor(Color.GREEN);
            g.draw(new Rectangle2D.Double(f.box().x(), f.box().y(), f.box().width(), f.box().height()));
            g.drawString(String.format("%.2f", f.box().score()), (float) f.box().x(), (float) f.box().y() - 4);
            for (int i = 0; i < Face.LANDMARKS; i++) {
                g.setColor(i < 17 ? Color.YELLOW : i < 27 ? Color.CYAN : i < 36 ? Color.RED : i < 48 ? Color.BLUE : Color.MAGENTA);
                g.fill(new Ellipse2D.Double(f.x(i) - dot / 2, f.y(i) - dot / 2, dot, dot));
            }
        }
        g.dispose();
        return write(im, name);
    }

    /** The frame turned by {@code degrees} clockwise on screen about (cx, cy), bilinear, black outside. */
    public static RgbImage rotate(RgbImage frame, double degrees, double cx, double cy) {
        java.awt.geom.AffineTransform t = java.awt.geom.AffineTransform.getRotateInstance(Math.toRadians(degrees), cx, cy);
        return transform(frame, t);
    }

    /** The frame mirrored left to right. */
    public static RgbImage mirror(RgbImage frame) {
        java.awt.geom.AffineTransform t = new java.awt.geom.AffineTransform(-1, 0, 0, 1, frame.width(), 0);
        return transform(frame, t);
    }

    /** The frame moved by (dx, dy) pixels, black where nothing comes in. */
    public static RgbImage shift(RgbImage frame, double dx, double dy) {
        return transform(frame, java.awt.geom.AffineTransform.getTranslateInstance(dx, dy));
    }

    /** The frame resized by a factor (bilinear). */
    public static RgbImage scale(RgbImage frame, double k) {
        return transform(frame, java.awt.geom.AffineTransform.getScaleInstance(k, k),
                (int) Math.round(frame.width() * k), (int) Math.round(frame.height() * k));
    }

    public static RgbImage transform(RgbImage frame, java.awt.geom.AffineTransform t) {
        return transform(frame, t, frame.width(), frame.height());
    }

    private static RgbImage transform(RgbImage frame, java.awt.geom.AffineTransform t, int width, int height) {
        BufferedImage src = toBuffered(frame);
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        new java.awt.image.AffineTransformOp(t, java.awt.image.AffineTransformOp.TYPE_BILINEAR).filter(src, dst);
        return fromBuffered(dst);
    }

    /** Writes a PNG under {@link #OUT}. */
    public static Path write(BufferedImage im, String name) {
        try {
            Files.createDirectories(OUT);
            Path file = OUT.resolve(name + ".png");
            ImageIO.write(im, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
