package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairSamplerTest {

    @TempDir
    Path dir;

    @Test
    void examplesAreAFunctionOfSeedStepAndSlotAndPairTwoIdentities() throws Exception {
        TestClips.movingSquare(dir.resolve("a.mp4"), 32, 8, 250);
        TestClips.movingSquare(dir.resolve("b.mp4"), 32, 8, 40);
        TestClips.movingSquare(dir.resolve("c.mp4"), 32, 8, 120);
        try (FolderSource s = FolderSource.open(dir)) {
            Augmenter aug = new Augmenter(AugmentationSettings.DEFAULT);
            PairSampler one = new PairSampler(s, () -> new CentreCropper(32), aug, 42, 100);
            PairSampler two = new PairSampler(s, () -> new CentreCropper(32), aug, 42, 0);
            // the second sampler caches nothing and reads in another order: the examples are still equal
            Example late = two.example(9, 1);
            Example early = two.example(3, 0);
            assertArrayEquals(one.example(3, 0).main().driver().image().data(), early.main().driver().image().data());
            assertArrayEquals(one.example(9, 1).cross().expression().data(), late.cross().expression().data());
            assertEquals(one.example(9, 1).main().source().pose(), late.main().source().pose());
            for (int step = 0; step < 10; step++) {
                Example e = one.example(step, 0);
                assertNotEquals(e.main().identity(), e.cross().identity());
            }
            assertFalse(Arrays.equals(one.example(3, 0).main().driver().image().data(),
                    one.example(4, 0).main().driver().image().data()));
            assertEquals(128, early.main().expression().width());
            one.closeCroppers();
            two.closeCroppers();
        }
    }

    @Test
    void sharedViewsMirrorAndJitterSourceAndTargetAlikeIndependentViewsDoNot() throws Exception {
        for (String name : new String[] {"a.png", "b.png"}) {
            BufferedImage im = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    im.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | ((x + y) * 4));
                }
            }
            ImageIO.write(im, "png", dir.resolve(name).toFile());
        }
        try (FolderSource s = FolderSource.open(dir)) {
            int differing = 0;
            for (String mode : new String[] {"shared", "independent"}) {
                // stills without view motion: source and target are the same frame before mirror and jitter
                AugmentationSettings a = new AugmentationSettings(0.5, ColourJitter.MILD, mode, 0.8, 16, "none", 2, 0,
                        ColourJitter.SEVERE, 0, 0, 0, 0);
                PairSampler p = new PairSampler(s, () -> new CentreCropper(32), new Augmenter(a), 5, 0);
                for (int step = 0; step < 8; step++) {
                    Example.Pair pair = p.example(step, 0).main();
                    boolean same = Arrays.equals(pair.source().image().data(), pair.driver().image().data());
                    if (mode.equals("shared")) {
                        assertArrayEquals(pair.source().image().data(), pair.driver().image().data(), "step " + step);
                        assertEquals(pair.source().pose(), pair.driver().pose());
                    } else if (!same) {
                        differing++;
                    }
                }
                p.closeCroppers();
            }
            assertEquals(8, differing, "independent views draw their own jitter");
        }
    }
}
