package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.Arrays;
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
}
