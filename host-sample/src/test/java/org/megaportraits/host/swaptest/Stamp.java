package org.megaportraits.host.swaptest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;

/** Kept in its own class so that the JVM loads it lazily, at the first enhanced frame. */
final class Stamp {

    private Stamp() {
    }

    static ImageBatch apply(ImageBatch renders, int major) {
        List<RgbImage> out = new ArrayList<>();
        for (RgbImage im : renders.toHost()) {
            byte[] rgb = new byte[im.rgb().length];
            Arrays.fill(rgb, (byte) Math.min(255, 100 * major));
            out.add(new RgbImage(im.width(), im.height(), rgb));
        }
        return ImageBatch.ofHost(out);
    }
}
