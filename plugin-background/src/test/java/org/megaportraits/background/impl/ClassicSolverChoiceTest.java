package org.megaportraits.background.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.Precision;

/** Which solver the classic matte gets. */
class ClassicSolverChoiceTest {

    private static final ExecutionOptions GPU = new ExecutionOptions("gpu", Precision.FP32, 1);

    @Test
    void autoIsMeanFieldOnAGpuAndOpenCvOnTheCpu() {
        assertTrue(CompositorComponent.meanField("auto", GPU));
        assertFalse(CompositorComponent.meanField("auto", ExecutionOptions.CPU));
        assertFalse(CompositorComponent.meanField(null, ExecutionOptions.CPU));
    }

    @Test
    void namedSolversAreUsedOnAnyDevice() {
        assertTrue(CompositorComponent.meanField("mean-field", ExecutionOptions.CPU));
        assertTrue(CompositorComponent.meanField(" Mean-Field ", ExecutionOptions.CPU));
        assertFalse(CompositorComponent.meanField("opencv", GPU));
    }

    @Test
    void anUnknownSolverSaysWhichExist() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CompositorComponent.meanField("graphcut", ExecutionOptions.CPU));
        assertTrue(e.getMessage().contains("graphcut"), e.getMessage());
        assertTrue(e.remedy().contains("auto, opencv or mean-field"), e.remedy());
    }
}
