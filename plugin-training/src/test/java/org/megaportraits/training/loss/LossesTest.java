package org.megaportraits.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LossesTest {

    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void cosFaceWithOneNegativeIsTheSoftplusOfTheMarginGap() {
        // anchor (2, 0) against positive (0.6, 0.8): cos 0.6; against negative (0, 3): cos 0
        // s = 5, m = 0.2: log(1 + exp(5 * 0 - 5 * (0.6 - 0.2))) = log(1 + e^-2) = 0.126928
        NDArray a = m.create(new float[] {2, 0}, new Shape(1, 2));
        NDArray p = m.create(new float[] {0.6f, 0.8f}, new Shape(1, 2));
        NDArray n = m.create(new float[] {0, 3}, new Shape(1, 2));
        NDArray loss = CosFaceCycleLoss.PAPER.loss(a, p, n, m.ones(new Shape(1, 1)));
        assertEquals(0.126928, loss.getFloat(), 1e-6);
    }

    @Test
    void cosFaceIgnoresMaskedCandidatesAndAveragesAnchors() {
        // anchor 1 = (1, 0): positive (1, 0) cos 1 -> d = 5 * 0.8 = 4; negatives (0, 1) cos 0 (kept), (1, 0) masked
        //   log(1 + e^-4) = 0.0181499
        // anchor 2 = (0, 1): positive (1, 0) cos 0 -> d = -1; negative (0, 1) cos 1 -> 5, masked; (1, 0) cos 0 kept
        //   log(1 + e^(0 + 1)) = 1.3132617
        // mean = 0.6657058
        NDArray a = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        NDArray p = m.create(new float[] {1, 0, 1, 0}, new Shape(2, 2));
        NDArray n = m.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
        NDArray mask = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        assertEquals(0.6657058, CosFaceCycleLoss.PAPER.loss(a, p, n, mask).getFloat(), 1e-6);
    }

    @Test
    void hingeLossesOfTwoScales() {
        // scale 1: real [0.5, -2, 1.5] -> relu(1 - x) = [0.5, 3, 0] mean 7/6; fake [0, -3, 1] -> relu(1 + x) = [1, 0, 2] mean 1
        // scale 2: real [2] -> 0; fake [-0.5] -> 0.5
        NDList real = new NDList(m.create(new float[] {0.5f, -2, 1.5f}), m.create(new float[] {2}));
        NDList fake = new NDList(m.create(new float[] {0, -3, 1}), m.create(new float[] {-0.5f}));
        assertEquals(7.0 / 6 + 1 + 0 + 0.5, HingeLoss.discriminator(real, fake).getFloat(), 1e-6);
        // generator: -(mean(fake1) + mean(fake2)) = -(-2/3 - 0.5) = 7/6
        assertEquals(7.0 / 6, HingeLoss.generator(fake).getFloat(), 1e-6);
    }

    @Test
    void featureMatchingAveragesLayersOfAllScales() {
        // |[1,2] - [0,0]| mean 1.5; |[3] - [1]| = 2; |[-1, 1, 0, 0] - 0| mean 0.5 -> (1.5 + 2 + 0.5) / 3
        List<List<NDArray>> real = List.of(List.of(m.zeros(new Shape(2)), m.create(new float[] {1})),
                List.of(m.zeros(new Shape(4))));
        List<List<NDArray>> fake = List.of(List.of(m.create(new float[] {1, 2}), m.create(new float[] {3})),
                List.of(m.create(new float[] {-1, 1, 0, 0})));
        assertEquals(4.0 / 3, FeatureMatchingLoss.loss(real, fake).getFloat(), 1e-6);
    }

    @Test
    void perceptualLossAveragesPyramidLevelsOfSummedLayers() {
        // features: the image itself and twice the image. prediction 2 x 2 [[1, 2], [3, 6]], target 0
        // level 0: mean|x| = 3 and mean|2x| = 6 -> 9; level 1 (2 x 2 average = 3): 3 + 6 = 9 -> mean 9
        // target [[1, 1], [1, 1]]: level 0: mean|x - 1| = (0 + 1 + 2 + 5) / 4 = 2 -> 2 + 4 = 6; level 1: |3 - 1| = 2 -> 6
        FeatureNetwork twice = network("identity-and-double", 1, images -> new NDList(images, images.mul(2)));
        PerceptualLoss loss = new PerceptualLoss(twice, 2);
        NDArray x = m.create(new float[] {1, 2, 3, 6}, new Shape(1, 1, 2, 2));
        assertEquals(9, loss.loss(x, m.zeros(new Shape(1, 1, 2, 2))).getFloat(), 1e-6);
        assertEquals(6, loss.loss(x, m.ones(new Shape(1, 1, 2, 2))).getFloat(), 1e-6);

        // a network that needs 2 pixels: of 3 levels only the first (2 x 2) is used, and the mean is over 1 level
        FeatureNetwork pooling = network("pooling", 2, NDList::new);
        // |x - 0| mean = (1 + 2 + 3 + 6) / 4 = 3
        assertEquals(3, new PerceptualLoss(pooling, 3).loss(x, m.zeros(new Shape(1, 1, 2, 2))).getFloat(), 1e-6);
    }

    @Test
    void perceptualLossOfOneJointPassEqualsTwoPassesAndTrainsOnlyThePrediction() {
        // the prediction and the target go through the network as one batch of 2N; the reference runs two
        // passes: each example against its own target, the target's features constant
        FeatureNetwork squares = network("identity-and-square", 1, images -> new NDList(images, images.mul(images)));
        PerceptualLoss loss = new PerceptualLoss(squares, 2);
        NDArray p = m.randomUniform(0, 1, new Shape(3, 2, 4, 4));
        NDArray t = m.randomUniform(0, 1, new Shape(3, 2, 4, 4));
        NDArray[] values = new NDArray[2];
        NDArray[] grads = new NDArray[2];
        for (int i = 0; i < 2; i++) {
            NDArray x = p.duplicate();
            NDArray y = t.duplicate();
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray v = i == 0 ? loss.loss(x, y) : twoPasses(squares, x, y);
                values[i] = v.stopGradient();
                gc.backward(v);
            }
            grads[i] = x.getGradient().duplicate();
            assertEquals(0, y.getGradient().abs().sum().getFloat(), 0, "the target is a constant");
        }
        assertEquals(values[1].getFloat(), values[0].getFloat(), 1e-6);
        assertTrue(grads[0].sub(grads[1]).abs().max().getFloat() < 1e-7, "prediction gradients differ");
        assertTrue(grads[0].abs().sum().getFloat() > 0);
    }

    /** A feature network made of a function, taking images of at least {@code minimumSide} pixels. */
    private static FeatureNetwork network(String name, int minimumSide, Function<NDArray, NDList> features) {
        return new FeatureNetwork() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int minimumSide() {
                return minimumSide;
            }

            @Override
            public NDList features(NDArray images) {
                return features.apply(images);
            }

            @Override
            public void close() {
            }
        };
    }

    /** The perceptual loss of two levels as separate passes of prediction and target (the reference). */
    private static NDArray twoPasses(FeatureNetwork network, NDArray prediction, NDArray target) {
        NDArray x = prediction;
        NDArray y = target.stopGradient();
        NDArray total = null;
        for (int level = 0; level < 2; level++) {
            if (level > 0) {
                x = PerceptualLoss.halve(x);
                y = PerceptualLoss.halve(y);
            }
            NDList fx = network.features(x);
            NDList fy = network.features(y);
            for (int i = 0; i < fx.size(); i++) {
                NDArray d = fx.get(i).sub(fy.get(i)).abs().mean();
                total = total == null ? d : total.add(d);
            }
        }
        return total.div(2);
    }

    @Test
    void foregroundKeepsTheMattedImageAndFillsTheRestWithTheColour() {
        NDArray image = m.create(new float[] {0.2f, 0.4f, 0.6f, 0.8f, 1f, 0f}, new Shape(1, 3, 1, 2));
        NDArray matte = m.create(new float[] {1f, 0.25f}, new Shape(1, 1, 1, 2));
        NDArray out = new Foreground(new float[] {1f, 0f, 0.5f}).composite(image, matte);
        // pixel 1: matte 1 -> image; pixel 2: 0.25 * image + 0.75 * colour
        float[] expected = {0.2f, 0.25f * 0.4f + 0.75f, 0.6f, 0.25f * 0.8f, 1f, 0.375f};
        float[] got = out.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-6);
        }
    }
}
