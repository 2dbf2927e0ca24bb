package org.megaportraits.training.data;

import java.util.Random;

/**
 * Random brightness, contrast, saturation and hue changes of an RGB image, in that order (as
 * torchvision's ColorJitter with fixed order): brightness scales by a factor in
 * [1 - b, 1 + b]; contrast blends with the image's mean grey by a factor in [1 - c, 1 + c];
 * saturation blends with the pixel's grey by a factor in [1 - s, 1 + s]; hue rotates by a fraction
 * of a turn in [-h, h]. Results are clamped to [0, 1].
 */
public record ColourJitter(double brightness, double contrast, double saturation, double hue) {

    /** Mild jitter for source and target images. */
    public static final ColourJitter MILD = new ColourJitter(0.2, 0.2, 0.2, 0.02);
    /** The severe jitter of the driver's expression-encoder copy (paper supplement B.1). */
    public static final ColourJitter SEVERE = new ColourJitter(0.6, 0.6, 0.8, 0.15);

    /** A jittered copy of {@code image} (3 channels). */
    public Planar apply(Planar image, Random rng) {
        float b = (float) factor(brightness, rng);
        float c = (float) factor(contrast, rng);
        float s = (float) factor(saturation, rng);
        double h = hue == 0 ? 0 : (rng.nextDouble() * 2 - 1) * hue;
        int plane = image.height() * image.width();
        float[] in = image.data();
        float[] out = new float[in.length];
        double meanGrey = 0;
        for (int i = 0; i < plane; i++) {
            meanGrey += grey(in[i] * b, in[plane + i] * b, in[2 * plane + i] * b);
        }
        float mean = (float) (meanGrey / plane);
        float[] rgb = new float[3];
        for (int i = 0; i < plane; i++) {
            for (int ch = 0; ch < 3; ch++) {
                float v = clamp(in[ch * plane + i] * b);
                rgb[ch] = clamp((v - mean) * c + mean);
            }
            float g = grey(rgb[0], rgb[1], rgb[2]);
            for (int ch = 0; ch < 3; ch++) {
                rgb[ch] = clamp((rgb[ch] - g) * s + g);
            }
            if (h != 0) {
                rotateHue(rgb, h);
            }
            out[i] = rgb[0];
            out[plane + i] = rgb[1];
            out[2 * plane + i] = rgb[2];
        }
        return new Planar(3, image.height(), image.width(), out);
    }

    /** The image in grey (ITU-R 601 luma), kept as three equal channels. */
    public static Planar greyscale(Planar image) {
        int plane = image.height() * image.width();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int i = 0; i < plane; i++) {
            float g = grey(in[i], in[plane + i], in[2 * plane + i]);
            out[i] = g;
            out[plane + i] = g;
            out[2 * plane + i] = g;
        }
        return new Planar(3, image.height(), image.width(), out);
    }

    private static double factor(double range, Random rng) {
        return range == 0 ? 1 : 1 + (rng.nextDouble() * 2 - 1) * range;
    }

    private static float grey(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    /** Shifts the hue of one pixel by {@code turns} of the colour wheel (through HSV). */
    private static void rotateHue(float[] rgb, double turns) {
        float r = rgb[0];
        float g = rgb[1];
        float b = rgb[2];
        float max = Math.max(r, Math.max(g, b));
        float min = Math.min(r, Math.min(g, b));
        float delta = max - min;
        if (delta <= 0) {
            return;
        }
        double hue;
        if (max == r) {
            hue = ((g - b) / delta) / 6.0;
        } else if (max == g) {
            hue = ((b - r) / delta + 2) / 6.0;
        } else {
            hue = ((r - g) / delta + 4) / 6.0;
        }
        hue = (hue + turns) % 1.0;
        if (hue < 0) {
            hue += 1;
        }
        float sat = delta / max;
        double sector = hue * 6;
        int i = (int) Math.floor(sector) % 6;
        float f = (float) (sector - Math.floor(sector));
        float p = max * (1 - sat);
        float q = max * (1 - sat * f);
        float t = max * (1 - sat * (1 - f));
        switch (i) {
            case 0 -> set(rgb, max, t, p);
            case 1 -> set(rgb, q, max, p);
            case 2 -> set(rgb, p, max, t);
            case 3 -> set(rgb, p, q, max);
            case 4 -> set(rgb, t, p, max);
            default -> set(rgb, max, p, q);
        }
    }

    private static void set(float[] rgb, float r, float g, float b) {
        rgb[0] = r;
        rgb[1] = g;
        rgb[2] = b;
    }
}
