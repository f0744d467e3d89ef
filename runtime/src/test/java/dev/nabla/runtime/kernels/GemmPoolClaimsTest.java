package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

/**
 * The caller of a product claims its parts from the front and the helpers from the back: every part runs exactly once,
 * the caller's parts are the first ones and the helpers' the last ones, whatever the timing, so that a thread gets the
 * same rows of every product and loop while both keep up (see {@link Gemm#split}).
 */
class GemmPoolClaimsTest {

    /** Records which thread ran each part, after spinning a little so that the threads' claims interleave. */
    private static final class Recording implements GemmPool.Job {
        final AtomicReferenceArray<Thread> ranOn;
        final int[] runs;

        Recording(int parts) {
            ranOn = new AtomicReferenceArray<>(parts);
            runs = new int[parts];
        }

        @Override
        public void part(int q) {
            for (int i = 0; i < 3000; i++) {
                Thread.onSpinWait();
            }
            synchronized (runs) {
                runs[q]++;
            }
            ranOn.set(q, Thread.currentThread());
        }
    }

    @Test
    void callerRunsAPrefixAndHelpersASuffix_eachPartOnce() {
        for (int helpers = 1; helpers <= 2; helpers++) {
            GemmPool pool = new GemmPool(helpers);
            try {
                int helped = 0;
                for (int round = 0; round < 100; round++) {
                    int parts = 1 + round % 37;
                    Recording job = new Recording(parts);
                    assertTrue(pool.run(job, parts) || runAlone(job, parts));
                    Thread caller = Thread.currentThread();
                    int firstHelped = parts;
                    for (int q = 0; q < parts; q++) {
                        assertEquals(1, job.runs[q], "part " + q + " of " + parts);
                        if (job.ranOn.get(q) != caller) {
                            firstHelped = Math.min(firstHelped, q);
                        }
                    }
                    for (int q = firstHelped; q < parts; q++) {
                        int part = q;
                        assertTrue(job.ranOn.get(q) != caller,
                                () -> "the caller ran part " + part + " after a helper ran an earlier one, of " + parts);
                    }
                    if (firstHelped < parts) {
                        helped++;
                    }
                }
                // the helpers took part at all (they spin between jobs, so on any machine most of the time)
                assertTrue(helped > 0, "no helper ever ran a part");
            } finally {
                pool.shutdown();
            }
        }
    }

    /** The pool backs off after stalls on a loaded machine; then the caller runs the job, as {@link Gemm} does. */
    private static boolean runAlone(GemmPool.Job job, int parts) {
        for (int q = 0; q < parts; q++) {
            job.part(q);
        }
        return true;
    }

    @Test
    void aJobOfMorePartsThanTheClaimsHoldIsRefused() {
        GemmPool.Claims claims = new GemmPool.Claims();
        assertThrows(IllegalArgumentException.class, () -> claims.open(q -> { }, GemmPool.Claims.MAX_PARTS + 1));
        int number = claims.open(q -> { }, GemmPool.Claims.MAX_PARTS);
        assertTrue(claims.runOne(number, true));
        assertTrue(claims.runOne(number, false));
    }
}
