package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/**
 * Background work in the product pool: parts that idle helpers take up between products and that the thread needing the
 * result finishes. Every part runs exactly once, however the helpers and the finishing thread share them, also when one
 * holder is reused while helpers may still look at its last use; a part's failure reaches the finishing thread.
 */
class GemmPoolBackgroundTest {

    /** Counts how often each part ran, after spinning a little so that parts overlap with other threads' claims. */
    private static final class Counting implements GemmPool.Job {
        final AtomicIntegerArray runs;

        Counting(int parts) {
            runs = new AtomicIntegerArray(parts);
        }

        @Override
        public void part(int q) {
            for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
            }
            runs.incrementAndGet(q);
        }

        int[] counts() {
            int[] c = new int[runs.length()];
            for (int i = 0; i < c.length; i++) {
                c[i] = runs.get(i);
            }
            return c;
        }
    }

    @Test
    void everyPartRunsOnce_acrossReusesOfOneHolder_withProductsInBetween() {
        GemmPool pool = new GemmPool(2);
        try {
            GemmPool.Background holder = new GemmPool.Background();
            for (int round = 0; round < 500; round++) {
                int parts = 1 + round % 23;
                Counting background = new Counting(parts);
                assertTrue(pool.startBackground(holder, background, parts));
                // a product meanwhile, as a training step runs its products while the next batch is gathered
                Counting product = new Counting(6);
                if (!pool.run(product, 6)) {
                    // the pool backs off after stalls (a loaded machine): the caller runs the product, as Gemm does
                    for (int q = 0; q < 6; q++) {
                        product.part(q);
                    }
                }
                holder.finish();
                int[] once = new int[parts];
                Arrays.fill(once, 1);
                assertArrayEquals(once, background.counts(), "round " + round);
                assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, product.counts(), "round " + round);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void finish_runsWhatNoHelperStarted_evenAfterThePoolShutDown() {
        GemmPool pool = new GemmPool(1);
        GemmPool.Background holder = new GemmPool.Background();
        Counting background = new Counting(40);
        pool.shutdown();
        assertTrue(pool.startBackground(holder, background, 40));
        holder.finish();
        int[] once = new int[40];
        Arrays.fill(once, 1);
        assertArrayEquals(once, background.counts());
    }

    @Test
    void aPartsFailure_isRethrownByFinish_andTheHolderCanBeUsedAgain() {
        GemmPool pool = new GemmPool(1);
        try {
            GemmPool.Background holder = new GemmPool.Background();
            IllegalStateException boom = new IllegalStateException("part 3");
            assertTrue(pool.startBackground(holder, q -> {
                if (q == 3) {
                    throw boom;
                }
            }, 8));
            assertSame(boom, assertThrows(IllegalStateException.class, holder::finish));
            Counting again = new Counting(8);
            assertTrue(pool.startBackground(holder, again, 8));
            holder.finish();
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, again.counts());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aPoolWithoutHelpers_takesNoBackgroundWork() {
        GemmPool pool = new GemmPool(0);
        assertFalse(pool.startBackground(new GemmPool.Background(), q -> { }, 4));
    }

    @Test
    void aSecondHoldersWork_waitsUntilTheFirstIsComplete() {
        GemmPool pool = new GemmPool(1);
        try {
            GemmPool.Background first = new GemmPool.Background();
            GemmPool.Background second = new GemmPool.Background();
            CountDownLatch release = new CountDownLatch(1);
            // the first holder's only part blocks until released, so its work stays incomplete
            assertTrue(pool.startBackground(first, q -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, 1));
            assertFalse(pool.startBackground(second, q -> { }, 1));
            release.countDown();
            first.finish();
            Counting later = new Counting(3);
            assertTrue(pool.startBackground(second, later, 3));
            second.finish();
            assertEquals(3, Arrays.stream(later.counts()).sum());
        } finally {
            pool.shutdown();
        }
    }
}
