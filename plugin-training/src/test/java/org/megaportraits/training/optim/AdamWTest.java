package org.megaportraits.training.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.megaportraits.nn.tensor.Scalars;

class AdamWTest {

    /** Weights of one tensor named w. */
    private static FlatWeights single(NDManager m, float... values) {
        return FlatWeights.of(Map.of("w", m.create(values)), m);
    }

    /** Backward of sum(gradient * w) for the one weight: its gradient grows by {@code gradient}. */
    private static void backward(FlatWeights w, float gradient) {
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDList views = w.forTraining(DataType.FLOAT32);
            gc.backward(Scalars.mul(views.get(0), gradient).sum());
        }
    }

    private static NDArray w(FlatWeights weights) {
        return weights.arrays().get("w");
    }

    @Test
    void twoStepsMatchTheHandComputedTrajectory() {
        // by hand: step 1, g = 0.5: m = 0.25, v = 2.5e-4, m^ = 0.5, v^ = 0.25, w = 1 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / 0.5 = 0.899
        // step 2, g = -1: m = -0.375, v = 1.24975e-3, m^ = -0.5, v^ = 0.62519, w = 0.899 * 0.999 + 0.1 * 0.5 / 0.790689 = 0.961337
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            FlatWeights weights = single(m, 1f);
            backward(weights, 0.5f);
            opt.step(weights, 0.1);
            assertEquals(0.899, w(weights).getFloat(0), 1e-6);
            backward(weights, -1f);
            opt.step(weights, 0.1);
            assertEquals(0.961337, w(weights).getFloat(0), 1e-6);
            assertEquals(2, opt.steps());
            assertEquals(-0.375, opt.state().firstMoments().get("w").getFloat(0), 1e-7);
        }
    }

    @Test
    void weightsOfDifferentShapesAreUpdatedEachByItsOwnGradientAndMomentsStayLiveViews() {
        // one step from w with gradient g: m^ = g, v^ = g^2, so w' = w (1 - lr wd) - lr sign(g) (|g| >> eps)
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            Map<String, NDArray> values = new LinkedHashMap<>();
            values.put("a", m.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(2, 3)));
            values.put("b", m.create(new float[] {-1f, 0.5f}));
            values.put("c", m.create(new float[] {7f}, new Shape(1, 1, 1)));
            FlatWeights weights = FlatWeights.of(values, m);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDList v = weights.forTraining(DataType.FLOAT32);
                assertEquals(new Shape(2, 3), v.get(0).getShape());
                gc.backward(Scalars.mul(v.get(0), 2f).sum().add(Scalars.mul(v.get(1), -3f).sum())
                        .add(Scalars.mul(v.get(2), 0.5f).sum()));
            }
            opt.step(weights, 0.1);
            NDArray a = weights.arrays().get("a");
            NDArray b = weights.arrays().get("b");
            NDArray c = weights.arrays().get("c");
            float keep = 1 - 0.1f * 0.01f;
            float[] ga = a.toFloatArray();
            for (int i = 0; i < 6; i++) {
                assertEquals((i + 1) * keep - 0.1f, ga[i], 1e-6);
            }
            assertEquals(-1f * keep + 0.1f, b.getFloat(0), 1e-6);
            assertEquals(0.5f * keep + 0.1f, b.getFloat(1), 1e-6);
            assertEquals(7f * keep - 0.1f, c.getFloat(0, 0, 0), 1e-6);
            // moments by name have the weights' shapes: m = (1 - b1) g
            NDArray ma = opt.state().firstMoments().get("a");
            assertEquals(a.getShape(), ma.getShape());
            assertEquals(1f, ma.getFloat(1, 2), 1e-7);
            assertEquals(-1.5f, opt.state().firstMoments().get("b").getFloat(0), 1e-7);
            // live: the next step's moments show through the same arrays
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDList v = weights.forTraining(DataType.FLOAT32);
                gc.backward(v.get(0).sum().add(v.get(1).sum()).add(v.get(2).sum()));
            }
            opt.step(weights, 0.1);
            assertEquals(0.5f * 1f + 0.5f * 1f, ma.getFloat(1, 2), 1e-6);
        }
    }

    @Test
    void aNonFiniteGradientIsRefusedBeforeAnythingChanges() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            FlatWeights weights = single(m, 1f, 2f);
            backward(weights, 0.5f);
            opt.step(weights, 0.1);
            float[] after = w(weights).toFloatArray();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                // d/dw sqrt(w - 1.5) at w = 0.899... is NaN for the first element
                gc.backward(Scalars.sub(weights.forTraining(DataType.FLOAT32).get(0), 1.5f).sqrt().sum());
            }
            assertThrows(AdamW.NonFiniteGradientsException.class, () -> opt.step(weights, 0.1));
            assertArrayEquals(after, w(weights).toFloatArray(), 0f);
            assertEquals(1, opt.steps());
        }
    }

    @Test
    void weightDecayIsDecoupledFromTheGradient() {
        // with a zero gradient, coupled (L2) decay would move w by a full Adam step (to 0.9);
        // decoupled decay only shrinks it by lr * wd
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            FlatWeights weights = single(m, 1f, -2f);
            backward(weights, 0f);
            opt.step(weights, 0.1);
            assertEquals(0.999, w(weights).getFloat(0), 1e-7);
            assertEquals(-1.998, w(weights).getFloat(1), 1e-7);
        }
    }

    @Test
    void stepsWorkOnAFreshThreadWhoseGradientModeIsOn() throws Exception {
        // PyTorch's gradient mode is per thread and on by default: a training thread of its own must
        // still be able to update weights in place
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            Throwable[] failure = new Throwable[1];
            FlatWeights[] made = new FlatWeights[1];
            Thread t = new Thread(() -> {
                try {
                    made[0] = single(m, 1f);
                    backward(made[0], 0.5f);
                    opt.step(made[0], 0.1);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            t.start();
            t.join();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            assertEquals(0.899, w(made[0]).getFloat(0), 1e-6);
        }
    }

    @Test
    void gradientsAreZeroAfterAStep() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            FlatWeights weights = single(m, 1f);
            backward(weights, 3f);
            assertEquals(3f, weights.gradient().getFloat(0));
            opt.step(weights, 0.1);
            assertEquals(0f, weights.gradient().getFloat(0));
        }
    }

    @Test
    void restoredStateContinuesTheSameTrajectory() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             AdamW straight = new AdamW(AdamW.Settings.PAPER, m);
             AdamW resumed = new AdamW(AdamW.Settings.PAPER, m)) {
            FlatWeights a = single(m, 1f, 2f);
            FlatWeights b = single(m, 1f, 2f);
            backward(a, 0.3f);
            straight.step(a, 0.01);
            backward(b, 0.3f);
            AdamW first = new AdamW(AdamW.Settings.PAPER, m);
            first.step(b, 0.01);
            resumed.restore(first.state(), b);
            first.close();
            backward(a, -0.7f);
            straight.step(a, 0.01);
            backward(b, -0.7f);
            resumed.step(b, 0.01);
            assertEquals(w(a).getFloat(0), w(b).getFloat(0));
            assertEquals(w(a).getFloat(1), w(b).getFloat(1));
        }
    }
}
