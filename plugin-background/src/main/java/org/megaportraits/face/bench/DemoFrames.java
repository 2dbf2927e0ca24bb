package org.megaportraits.face.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.megaportraits.face.net.FaceApiPackage;
import org.megaportraits.sdk.image.RgbImage;

/** The benchmarks' video frames: face-api's six demo photos (3 to 5 faces each) cut and scaled to one size. */
public final class DemoFrames {

    private DemoFrames() {
    }

    /**
     * The six demo photos, each cut in its middle to the aspect of {@code width} x {@code height}
     * and scaled to that size.
     */
    public static List<RgbImage> photos(int width, int height) throws IOException {
        FaceApiPackage pkg = FaceApiPackage.locate();
        List<RgbImage> out = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            BufferedImage im = ImageIO.read(pkg.demoPhoto(i).toFile());
            double aspect = (double) width / height;
            int cw = Math.min(im.getWidth(), (int) Math.round(im.getHeight() * aspect));
            int ch = Math.min(im.getHeight(), (int) Math.round(cw / aspect));
            BufferedImage cut = im.getSubimage((im.getWidth() - cw) / 2, (im.getHeight() - ch) / 2, cw, ch);
            BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(cut, 0, 0, width, height, null);
            g.dispose();
            int[] argb = scaled.getRGB(0, 0, width, height, null, 0, width);
            byte[] rgb = new byte[width * height * 3];
            for (int k = 0; k < argb.length; k++) {
                rgb[3 * k] = (byte) (argb[k] >> 16);
                rgb[3 * k + 1] = (byte) (argb[k] >> 8);
                rgb[3 * k + 2] = (byte) argb[k];
            }
            out.add(new RgbImage(width, height, rgb));
        }
        return out;
    }
}
