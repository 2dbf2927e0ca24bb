package org.megaportraits.training.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CosineScheduleTest {

    @Test
    void startsAtTheInitialRateHalvesMidwayAndEndsAtTheLast() {
        CosineSchedule s = new CosineSchedule(2e-4, 1e-6, 100);
        assertEquals(2e-4, s.rate(0), 1e-15);
        assertEquals((2e-4 + 1e-6) / 2, s.rate(50), 1e-15);
        // a quarter of the way: last + (initial - last) * (1 + cos(pi / 4)) / 2
        assertEquals(1e-6 + 1.99e-4 * (1 + Math.sqrt(0.5)) / 2, s.rate(25), 1e-15);
        assertEquals(1e-6, s.rate(100), 1e-15);
        assertEquals(1e-6, s.rate(5000), 1e-15);
    }
}
