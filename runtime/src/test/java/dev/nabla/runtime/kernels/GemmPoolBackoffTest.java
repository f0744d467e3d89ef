package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.GemmPool.MAX_BACKOFF_NANOS;
import static dev.nabla.runtime.kernels.GemmPool.MIN_BACKOFF_NANOS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The pool's backoff after stalls: short after a burst (a JIT compilation on the helper's core), doubling while the
 * stalls keep coming back right after each backoff (a core busy for good), capped, and short again once they stop.
 */
class GemmPoolBackoffTest {

    @Test
    void stallsLongAfterTheLastBackoffStartAShortOne() {
        assertEquals(MIN_BACKOFF_NANOS, GemmPool.nextBackoff(MIN_BACKOFF_NANOS, Long.MAX_VALUE / 2));
        assertEquals(MIN_BACKOFF_NANOS, GemmPool.nextBackoff(8 * MIN_BACKOFF_NANOS, 8 * MIN_BACKOFF_NANOS));
    }

    @Test
    void stallsRightAfterABackoffDoubleIt() {
        assertEquals(2 * MIN_BACKOFF_NANOS, GemmPool.nextBackoff(MIN_BACKOFF_NANOS, 0));
        assertEquals(8 * MIN_BACKOFF_NANOS, GemmPool.nextBackoff(4 * MIN_BACKOFF_NANOS, 4 * MIN_BACKOFF_NANOS - 1));
    }

    @Test
    void doublingStopsAtTheCap() {
        long backoff = MIN_BACKOFF_NANOS;
        for (int i = 0; i < 20; i++) {
            backoff = GemmPool.nextBackoff(backoff, 0);
        }
        assertEquals(MAX_BACKOFF_NANOS, backoff);
    }
}
