package org.megaportraits.training.discriminator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.layer.NamedParameters;

class MultiScaleDiscriminatorTest {

    @Test
    void twoScalesOfFourBlocksGivePatchMapsOfTheExpectedSizes() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MultiScaleDiscriminator d = new MultiScaleDiscriminator(2, 8, 4);
            d.initialize(m, DataType.FLOAT32, new Shape(2, 3, 64, 64));
            // 4 x 4 kernels, padding 2: out = floor((in + 4 - 4) / stride) + 1
            // scale 0: 64 -> 33 -> 17 -> 9 -> 10 (stride 1) -> score 11
            // scale 1: 64 pooled to 32 -> 17 -> 9 -> 5 -> 6 -> score 7
            MultiScaleDiscriminator.Judgement j = d.judge(new ParameterStore(m, false), m.randomUniform(0, 1, new Shape(2, 3, 64, 64)), true);
            assertEquals(new Shape(2, 1, 11, 11), j.scores().get(0).getShape());
            assertEquals(new Shape(2, 1, 7, 7), j.scores().get(1).getShape());
            assertEquals(4, j.features().get(0).size());
            assertEquals(new Shape(2, 64, 10, 10), j.features().get(0).get(3).getShape());
            // weights: 3*8*16 + 8*16*16 + 16*32*16 + 32*64*16 + 64*16 (score), biases 8+16+32+64+1, u 8+16+32+64+1
            long perScale = 3 * 8 * 16 + 8 * 16 * 16 + 16 * 32 * 16 + 32 * 64 * 16 + 64 * 16 + 2 * (8 + 16 + 32 + 64 + 1);
            assertEquals(2 * perScale, NamedParameters.count(d));
            assertEquals(2 * (perScale - (8 + 16 + 32 + 64 + 1)), NamedParameters.countTrainable(d));
        }
    }

    @Test
    void judgingTwoBatchesTogetherGivesEachTheJudgementOfItsOwnPass() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MultiScaleDiscriminator d = new MultiScaleDiscriminator(2, 8, 3);
            d.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32));
            ParameterStore store = new ParameterStore(m, false);
            NDArray a = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            NDArray b = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            // without training the spectral vectors stay put, so separate passes are the reference
            List<MultiScaleDiscriminator.Judgement> together = d.judgeTogether(store, a, b, false);
            MultiScaleDiscriminator.Judgement[] alone = {d.judge(store, a, false), d.judge(store, b, false)};
            for (int h = 0; h < 2; h++) {
                for (int s = 0; s < 2; s++) {
                    assertClose(alone[h].scores().get(s), together.get(h).scores().get(s));
                    for (int f = 0; f < alone[h].features().get(s).size(); f++) {
                        assertClose(alone[h].features().get(s).get(f), together.get(h).features().get(s).get(f));
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> d.judgeTogether(store, a, a.get("0:1"), false));
        }
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-5, "judgements differ");
    }
}
