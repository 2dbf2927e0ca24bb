package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class DeviceTransferTest {

    @Test
    void anArrayAlreadyThereIsNotCopied() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            NDArray a = m.create(new float[] {1f, 2f});
            assertSame(a, DeviceTransfer.to(a, Device.cpu()));
        }
    }

    /** Runs where a GPU is present (the CI machine has none): the gradient crosses devices. */
    @Test
    void aLossMovedToTheGpuSendsItsGradientBack() {
        assumeTrue(Engine.getEngine(Devices.ENGINE).getGpuCount() > 0, "no GPU here");
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE);
             NDManager gpu = NDManager.newBaseManager(Device.gpu(), Devices.ENGINE)) {
            NDArray w = cpu.create(new float[] {0.5f, -1.25f, 3f});
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(Devices.ENGINE).newGradientCollector()) {
                NDArray moved = DeviceTransfer.to(w.mul(2f).sum(), Device.gpu());
                assertEquals(Device.gpu(), moved.getDevice());
                gc.backward(moved.add(gpu.create(1f)));
            }
            assertArrayEquals(new float[] {2f, 2f, 2f}, w.getGradient().toFloatArray(), 0f);
        }
    }
}
