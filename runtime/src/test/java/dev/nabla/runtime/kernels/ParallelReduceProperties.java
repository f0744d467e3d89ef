package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link Parallel#reduce}: every iteration counted once, the same bits on one, two or three threads, and the
 * sum or maximum the loop would give within double rounding.
 */
class ParallelReduceProperties {

    private static int savedThreads;

    @BeforeContainer
    static void splitEverything() {
        savedThreads = Gemm.threads();
        Parallel.reductionMinElements = 0;
        Parallel.parallelMinElements = 0;
    }

    @AfterContainer
    static void restore() {
        Parallel.reductionMinElements = Parallel.REDUCTION_MIN_ELEMENTS;
        Parallel.parallelMinElements = Parallel.PARALLEL_MIN_ELEMENTS;
        Gemm.setThreads(savedThreads);
    }

    /**
     * The kernels' form: the buffers hold the data in buffers[0]; the range's sum (or max) of data[i] squared, each
     * square also stored to buffers[1] when there is one (a reduction that writes, as a merged L2 sum does).
     */
    private static double squares(float[][] buffers, int batch, float[] hyper, int from, int to) {
        double acc = hyper[0] > 0 ? Double.NEGATIVE_INFINITY : 0;
        for (int i = from; i < to; i++) {
            double v = (double) buffers[0][i] * buffers[0][i];
            if (buffers.length > 1) {
                buffers[1][i] += (float) v;
            }
            acc = hyper[0] > 0 ? Math.max(acc, v) : acc + v;
        }
        return acc;
    }

    private static float[][] data(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * (r.nextInt(4) == 0 ? 1e3f : 1f);
        }
        return new float[][] {x};
    }

    @Property(tries = 200)
    void sameBitsOnOneTwoAndThreeThreadsAndCloseToTheLoop(@ForAll @IntRange(min = 1, max = 5_000) int n,
                                                          @ForAll boolean vectorAligned, @ForAll boolean max,
                                                          @ForAll boolean writes, @ForAll long seed) {
        float[] x = data(n, seed)[0];
        float[] hyper = {max ? 1 : 0};
        int align = vectorAligned ? 64 : 1;
        double[] results = new double[3];
        for (int t = 1; t <= 3; t++) {
            Gemm.setThreads(t);
            float[][] b = writes ? new float[][] {x, new float[n]} : new float[][] {x};
            results[t - 1] = Parallel.reduce(ParallelReduceProperties::squares, b, 1, hyper, n, align, 1, max, writes);
            if (writes) {
                // Each element stored once, by adding onto zero: a range run twice or skipped would show.
                for (int i = 0; i < n; i++) {
                    assertEquals((float) ((double) x[i] * x[i]), b[1][i], "element " + i + " on " + t + " threads");
                }
            }
        }
        assertEquals(Double.doubleToRawLongBits(results[0]), Double.doubleToRawLongBits(results[1]));
        assertEquals(Double.doubleToRawLongBits(results[0]), Double.doubleToRawLongBits(results[2]));
        double loop = squares(new float[][] {x}, 1, hyper, 0, n);
        assertEquals(loop, results[0], max ? 0 : Math.abs(loop) * 1e-12);
    }

    @Property(tries = 100)
    void everyIterationIsCountedOnce(@ForAll @IntRange(min = 1, max = 3_000) int n,
                                     @ForAll @IntRange(min = 1, max = 100) int align) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Gemm.setThreads(2);
        double count = Parallel.reduce((buffers, batch, hyper, from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
            return to - from;
        }, new float[0][], 1, new float[0], n, align, 1, false, false);
        assertEquals(n, count);
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "iteration " + i);
        }
    }

    @Example
    void anEmptyLoopGivesTheIdentity() {
        Parallel.Reduction never = (buffers, batch, hyper, from, to) -> {
            throw new AssertionError("ran");
        };
        assertEquals(0.0, Parallel.reduce(never, new float[0][], 1, new float[0], 0, 1, 1, false, false));
        assertEquals(Double.NEGATIVE_INFINITY, Parallel.reduce(never, new float[0][], 1, new float[0], 0, 1, 1, true,
                false));
    }

    @Example
    void whatAChunkThrowsReachesTheCaller() {
        Gemm.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.reduce(
                (buffers, batch, hyper, from, to) -> {
                    if (from > 0) {
                        throw boom;
                    }
                    return 0;
                }, new float[0][], 1, new float[0], 1_000, 1, 1, false, true));
        assertSame(boom, thrown);
    }
}
