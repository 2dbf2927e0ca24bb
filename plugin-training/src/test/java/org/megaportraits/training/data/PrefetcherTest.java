package org.megaportraits.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.InvalidInputException;

class PrefetcherTest {

    @Test
    void batchesComeInStepOrderFromSeveralThreadsAndAtMostDepthAhead() throws Exception {
        AtomicLong highest = new AtomicLong(-1);
        try (Prefetcher<Long> p = new Prefetcher<>(step -> {
            highest.accumulateAndGet(step, Math::max);
            try {
                Thread.sleep((step * 7) % 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return step;
        }, 10, 3, 4)) {
            for (long s = 10; s < 30; s++) {
                assertEquals(s, p.next());
                assertTrue(highest.get() <= s + 4, "loaded too far ahead: " + highest.get() + " at step " + s);
            }
        }
    }

    @Test
    void aLoadingFailureIsRethrownAsIs() {
        try (Prefetcher<Long> p = new Prefetcher<>(step -> {
            throw new InvalidInputException("bad video", "remove it");
        }, 0, 1, 2)) {
            assertThrows(InvalidInputException.class, p::next);
        }
    }
}
