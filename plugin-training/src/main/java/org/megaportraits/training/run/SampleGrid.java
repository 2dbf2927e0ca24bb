package org.megaportraits.training.run;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.megaportraits.sdk.image.RgbImage;

/**
 * A PNG grid of training samples: one row per sample, one column per image kind (source, driver,
 * output, ...), with the column titles on top.
 */
public final class SampleGrid {

    private static final int TITLE = 18;

    private SampleGrid() {
    }

    /**
     * Writes the grid.
     *
     * @param titles the column titles
     * @param columns per column, one image per row (all of one size)
     */
    public static void write(Path file, List<String> titles, List<List<RgbImage>> columns) {
        int rows = columns.get(0).size();
        int w = columns.get(0).get(0).width();
        int h = columns.get(0).get(0).height();
        BufferedImage grid = new BufferedImage(columns.size() * w, TITLE + rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), TITLE);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < columns.size(); c++) {
            g.drawString(titles.get(c), c * w + 4, TITLE - 5);
            for (int r = 0; r < rows; r++) {
                g.drawImage(toBuffered(columns.get(c).get(r)), c * w, TITLE + r * h, null);
            }
        }
        g.dispose();
        AtomicFiles.writePng(grid, file);
    }

    /** An RGB image as a Java image. */
    public static BufferedImage toBuffered(RgbImage im) {
        BufferedImage b = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_INT_RGB);
        int[] px = new int[im.width() * im.height()];
        byte[] rgb = im.rgb();
        for (int i = 0; i < px.length; i++) {
            px[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        b.setRGB(0, 0, im.width(), im.height(), px, 0, im.width());
        return b;
    }
}
