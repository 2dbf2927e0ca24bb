package org.megaportraits.training.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static void backward(NDArray w, float gradient) {
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(w.mul(gradient).sum());
        }
    }

    @Test
    void twoStepsMatchTheHandComputedTrajectory() {
        // by hand: step 1, g = 0.5: m = 0.25, v = 2.5e-4, m^ = 0.5, v^ = 0.25, w = 1 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / 0.5 = 0.899
        // step 2, g = -1: m = -0.375, v = 1.24975e-3, m^ = -0.5, v^ = 0.62519, w = 0.899 * 0.999 + 0.1 * 0.5 / 0.790689 = 0.961337
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray w = m.create(new float[] {1f});
            w.setRequiresGradient(true);
            Map<String, NDArray> weights = Map.of("w", w);
            backward(w, 0.5f);
            opt.step(weights, 0.1);
            assertEquals(0.899, w.getFloat(0), 1e-6);
            backward(w, -1f);
            opt.step(weights, 0.1);
            assertEquals(0.961337, w.getFloat(0), 1e-6);
            assertEquals(2, opt.steps());
            assertEquals(-0.375, opt.state().firstMoments().get("w").getFloat(0), 1e-7);
        }
    }

    @Test
    void weightsOfDifferentShapesAreUpdatedEachByItsOwnGradientAndMomentsStayLiveViews() {
        // one step from w with gradient g: m^ = g, v^ = g^2, so w' = w (1 - lr wd) - lr sign(g) (|g| >> eps)
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray a = m.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray b = m.create(new float[] {-1f, 0.5f});
            NDArray c = m.create(new float[] {7f}, new ai.djl.ndarray.types.Shape(1, 1, 1));
            for (NDArray w : new NDArray[] {a, b, c}) {
                w.setRequiresGradient(true);
            }
            Map<String, NDArray> weights = new java.util.LinkedHashMap<>();
            weights.put("a", a);
            weights.put("b", b);
            weights.put("c", c);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(a.mul(2f).sum().add(b.mul(-3f).sum()).add(c.mul(0.5f).sum()));
            }
            opt.step(weights, 0.1);
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
                gc.backward(a.sum().add(b.sum()).add(c.sum()));
            }
            opt.step(weights, 0.1);
            assertEquals(0.5f * 1f + 0.5f * 1f, ma.getFloat(1, 2), 1e-6);
        }
    }

    @Test
    void aNonFiniteGradientIsRefusedBeforeAnythingChanges() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray w = m.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            Map<String, NDArray> weights = Map.of("w", w);
            backward(w, 0.5f);
            opt.step(weights, 0.1);
            float[] after = w.toFloatArray();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                // d/dw sqrt(w - 1.5) at w = 0.899... is NaN for the first element
                gc.backward(w.sub(1.5f).sqrt().sum());
            }
            assertThrows(AdamW.NonFiniteGradientsException.class, () -> opt.step(weights, 0.1));
            assertArrayEquals(after, w.toFloatArray(), 0f);
            assertEquals(1, opt.steps());
        }
    }

    @Test
    void weightDecayIsDecoupledFromTheGradient() {
        // with a zero gradient, coupled (L2) decay would move w by a full Adam step (to 0.9);
        // decoupled decay only shrinks it by lr * wd
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray w = m.create(new float[] {1f, -2f});
            w.setRequiresGradient(true);
            backward(w, 0f);
            opt.step(Map.of("w", w), 0.1);
            assertEquals(0.999, w.getFloat(0), 1e-7);
            assertEquals(-1.998, w.getFloat(1), 1e-7);
        }
    }

    @Test
    void stepsWorkOnAFreshThreadWhoseGradientModeIsOn() throws Exception {
        // PyTorch's gradient mode is per thread and on by default: a training thread of its own must
        // still be able to update weights in place
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray w = m.create(new float[] {1f});
            w.setRequiresGradient(true);
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    backward(w, 0.5f);
                    opt.step(Map.of("w", w), 0.1);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            t.start();
            t.join();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            assertEquals(0.899, w.getFloat(0), 1e-6);
        }
    }

    @Test
    void gradientsAreZeroAfterAStep() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray w = m.create(new float[] {1f});
            w.setRequiresGradient(true);
            backward(w, 3f);
            opt.step(Map.of("w", w), 0.1);
            assertEquals(0f, w.getGradient().getFloat(0));
        }
    }

    @Test
    void restoredStateContinuesTheSameTrajectory() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             AdamW straight = new AdamW(AdamW.Settings.PAPER, m);
             AdamW resumed = new AdamW(AdamW.Settings.PAPER, m)) {
            NDArray a = m.create(new float[] {1f, 2f});
            NDArray b = m.create(new float[] {1f, 2f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            backward(a, 0.3f);
            straight.step(Map.of("w", a), 0.01);
            backward(b, 0.3f);
            AdamW first = new AdamW(AdamW.Settings.PAPER, m);
            first.step(Map.of("w", b), 0.01);
            resumed.restore(first.state(), Map.of("w", b));
            first.close();
            backward(a, -0.7f);
            straight.step(Map.of("w", a), 0.01);
            backward(b, -0.7f);
            resumed.step(Map.of("w", b), 0.01);
            assertEquals(a.getFloat(0), b.getFloat(0));
            assertEquals(a.getFloat(1), b.getFloat(1));
        }
    }
}
