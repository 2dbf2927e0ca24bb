package org.megaportraits.training.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Draws the loss curves of a run as a PNG: one panel per loss (their scales differ by orders of
 * magnitude), step on x, value on y, the raw points in light colour and a moving average on top.
 */
public final class LossPlot {

    private static final int PANEL_W = 360;
    private static final int PANEL_H = 220;
    private static final int MARGIN = 44;
    private static final int COLUMNS = 3;

    private LossPlot() {
    }

    /** Plots the series of a loss log into {@code file}. */
    public static void write(Map<String, List<double[]>> series, Path file) {
        int n = Math.max(1, series.size());
        int rows = (n + COLUMNS - 1) / COLUMNS;
        BufferedImage img = new BufferedImage(COLUMNS * PANEL_W, rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            panel(g, (i % COLUMNS) * PANEL_W, (i / COLUMNS) * PANEL_H, e.getKey(), e.getValue());
            i++;
        }
        g.dispose();
        AtomicFiles.writePng(img, file);
    }

    private static void panel(Graphics2D g, int x0, int y0, String name, List<double[]> pts) {
        int left = x0 + MARGIN;
        int top = y0 + 20;
        int w = PANEL_W - MARGIN - 12;
        int h = PANEL_H - 20 - 28;
        g.setColor(Color.BLACK);
        g.drawString(name, left, y0 + 14);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, w, h);
        if (pts.isEmpty()) {
            return;
        }
        double minX = pts.get(0)[0];
        double maxX = pts.get(pts.size() - 1)[0];
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] p : pts) {
            if (Double.isFinite(p[1])) {
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (!Double.isFinite(minY)) {
            return;
        }
        if (maxY == minY) {
            maxY = minY + 1e-9 + Math.abs(minY) * 1e-3;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(format(maxY), x0 + 2, top + 10);
        g.drawString(format(minY), x0 + 2, top + h);
        g.drawString(String.valueOf((long) minX), left, top + h + 14);
        String last = String.valueOf((long) maxX);
        g.drawString(last, left + w - g.getFontMetrics().stringWidth(last), top + h + 14);
        g.drawString("step", left + w / 2 - 10, top + h + 24);
        g.setColor(new Color(150, 180, 230));
        g.setStroke(new BasicStroke(1f));
        g.draw(line(pts, left, top, w, h, minX, maxX, minY, maxY));
        g.setColor(new Color(20, 60, 160));
        g.setStroke(new BasicStroke(2f));
        g.draw(line(smoothed(pts, Math.max(1, pts.size() / 20)), left, top, w, h, minX, maxX, minY, maxY));
    }

    private static Path2D line(List<double[]> pts, int left, int top, int w, int h, double minX, double maxX,
                               double minY, double maxY) {
        Path2D.Double p = new Path2D.Double();
        boolean first = true;
        for (double[] pt : pts) {
            if (!Double.isFinite(pt[1])) {
                continue;
            }
            double x = left + (pt[0] - minX) / (maxX - minX) * w;
            double y = top + h - (pt[1] - minY) / (maxY - minY) * h;
            if (first) {
                p.moveTo(x, y);
                first = false;
            } else {
                p.lineTo(x, y);
            }
        }
        return p;
    }

    /** Centred moving average over {@code 2 * half + 1} points. */
    static List<double[]> smoothed(List<double[]> pts, int half) {
        java.util.ArrayList<double[]> out = new java.util.ArrayList<>(pts.size());
        for (int i = 0; i < pts.size(); i++) {
            double s = 0;
            int c = 0;
            for (int j = Math.max(0, i - half); j <= Math.min(pts.size() - 1, i + half); j++) {
                if (Double.isFinite(pts.get(j)[1])) {
                    s += pts.get(j)[1];
                    c++;
                }
            }
            out.add(new double[] {pts.get(i)[0], c == 0 ? Double.NaN : s / c});
        }
        return out;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? String.format("%.2e", v) : String.format("%.3f", v);
    }
}
