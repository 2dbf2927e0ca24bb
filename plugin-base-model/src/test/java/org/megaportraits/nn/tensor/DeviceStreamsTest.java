package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceStreamsTest {

    @Test
    void onTheCpuScopesNeitherMakeStreamsNorLoadTheCudaModule() {
        // loading the module here would throw (next test): a CPU libtorch cannot compile its CUDA operators
        try (DeviceStreams.Scope outer = DeviceStreams.enter(Device.cpu());
             DeviceStreams.Scope inner = DeviceStreams.enter(Device.cpu())) {
            DeviceStreams.synchronize(Device.cpu());
        }
        assertFalse(DeviceStreams.hasOwnStream(0));
    }

    @Test
    void aLibtorchWithoutCudaCannotCompileTheStreamMethodsAndSaysHowToGoOn() {
        assumeTrue(Devices.engine().getGpuCount() == 0, "with a GPU the module loads");
        Throwable e = assertThrows(ExceptionInInitializerError.class, () -> DeviceStreams.Module.STREAMS.toString());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(cause.getMessage().contains("CUDA stream methods"), cause.getMessage());
        assertTrue(cause.getMessage().contains("-D" + DeviceStreams.PROPERTY + "=false"), cause.getMessage());
    }
}
