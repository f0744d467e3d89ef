package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Products cut in two by depth ({@link GemmKernel#depthCut}, {@code Gemm.runByDepth}): right against the
 * double-precision reference, the same bits on one, two and three threads and with B packed once, and each slice's
 * rectangles cover C once. The runtime's pom runs this class with the 5 x 4 tile too, where the vector kernel cuts.
 */
class GemmDepthSplitProperties {

    private static int savedThreads;

    @BeforeContainer
    static void save() {
        savedThreads = Gemm.threads();
    }

    @AfterContainer
    static void restore() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        Gemm.setThreads(savedThreads);
    }

    @Example
    void theVectorKernelCutsWideInputForwardProductsOnTheFourVectorTileOnly() {
        boolean cuts = VectorTiles.VECTORS == 4 && VectorGemm.DEPTH_SPLIT;
        assertEquals(cuts ? 392 : 0, VectorGemm.INSTANCE.depthCut(call(false, false, 128, 256, 784, false)));
        assertEquals(cuts ? 256 : 0, VectorGemm.INSTANCE.depthCut(call(false, false, 12, 64, 512, false)));
        // a weight gradient (Aᵀ, added onto C), an input gradient (Bᵀ), shallow, too many rows, too few of either
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(true, false, 128, 256, 784, false)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, true, 128, 256, 784, false)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, false, 128, 256, 784, true)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, false, 128, 256, 511, false)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, false, 300, 256, 512, false)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, false, 2 * VectorTiles.ROWS - 1, 256, 784, false)));
        assertEquals(0, VectorGemm.INSTANCE.depthCut(call(false, false, 128, VectorTiles.W - 1, 784, false)));
        assertEquals(0, ScalarGemm.INSTANCE.depthCut(call(false, false, 128, 256, 784, false)));
    }

    private static GemmCall call(boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        return new GemmCall().set(transA, transB, m, n, k, new float[m * k], 0, new float[k * n], 0, new float[m * n], 0,
                accumulate, null, 0, Gemm.ACT_NONE);
    }

    @Property(tries = 40)
    void cutProductsMatchTheReferenceAndGiveTheSameBitsOnAnyThreadCountAndPackedOnce(
            @ForAll("rows") int m, @ForAll("columns") int n, @ForAll("depths") int k, @ForAll boolean bias,
            @ForAll boolean relu, @ForAll boolean everyProductSplit, @ForAll long seed) {
        Gemm.parallelMinFmas = everyProductSplit ? 0 : Gemm.PARALLEL_MIN_FMAS;
        Problem problem = new Problem(false, false, m, n, k, false, bias, relu ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed);
        float[] start = problem.c.clone();
        float[][] results = new float[4][];
        for (int t = 1; t <= 4; t++) {
            System.arraycopy(start, 0, problem.c, 0, start.length);
            Gemm.setThreads(Math.min(t, 3));
            GemmCall call = problem.call();
            if (t == 4) {
                // on two threads again, with B packed once as a frozen weight matrix is
                Gemm.setThreads(2);
                call.packedB = VectorGemm.INSTANCE.packB(problem.b, problem.bOff, false, k, n);
            }
            Gemm.run(VectorGemm.INSTANCE, call);
            assertNull(problem.mismatch(), "threads " + t + ", " + problem);
            results[t - 1] = problem.c.clone();
        }
        for (int t = 2; t <= 4; t++) {
            int run = t;
            assertArrayEquals(results[0], results[t - 1], () -> "run " + run + " against one thread, " + problem);
        }
    }

    /**
     * A thread keeps the slice of B it packed for the next part of the same product ({@link Scratch#panelLabel}); the
     * next product of the same shape, on the same arrays with B changed, or after another product used the panel, must
     * not read it.
     */
    @Example
    void aPanelPackedForOneProductIsNotReadByTheNext() {
        Gemm.parallelMinFmas = 0;
        for (int t = 1; t <= 2; t++) {
            Gemm.setThreads(t);
            Problem problem = new Problem(false, false, 40, 130, 600, false, true, Gemm.ACT_NONE, 21 + t);
            Gemm.run(VectorGemm.INSTANCE, problem.call());
            assertNull(problem.mismatch(), "first product, threads " + t);
            for (int i = 0; i < problem.b.length; i++) {
                problem.b[i] = -problem.b[i] * 0.5f;
            }
            Gemm.run(VectorGemm.INSTANCE, problem.call());
            assertNull(problem.mismatch(), "second product with B changed, threads " + t);
            Problem other = new Problem(false, false, 5, 130, 600, false, false, Gemm.ACT_NONE, 5);
            Gemm.run(VectorGemm.INSTANCE, other.call());
            assertNull(other.mismatch(), "a product in between, threads " + t);
            Gemm.run(VectorGemm.INSTANCE, problem.call());
            assertNull(problem.mismatch(), "third product, threads " + t);
        }
    }

    @Property(tries = 100)
    void eachSlicesRectanglesCoverCOnceAlongAlignedCuts(@ForAll("rows") int m, @ForAll("wide") int n,
                                                       @ForAll boolean vector) {
        GemmKernel kernel = vector ? VectorGemm.INSTANCE : ScalarGemm.INSTANCE;
        int[] rect = new int[4 * Gemm.maxParts(2)];
        int cells = Gemm.sliceCells(kernel, m, n, rect);
        for (int[] row : GemmThreadsProperties.owners(kernel, rect, cells, m, n)) {
            for (int count : row) {
                assertEquals(1, count);
            }
        }
    }

    @Provide
    Arbitrary<Integer> rows() {
        return Arbitraries.of(12, 13, 17, 33, 128, 255);
    }

    @Provide
    Arbitrary<Integer> columns() {
        int w = VectorTiles.W;
        return Arbitraries.of(w, w + 1, w + VectorTiles.L - 1, 2 * w + 5, 255, 256);
    }

    @Provide
    Arbitrary<Integer> depths() {
        // at least twice the most rows above, so that the vector kernel cuts every one of these on the 5 x 4 tile
        return Arbitraries.of(512, 513, 784, 1031);
    }

    @Provide
    Arbitrary<Integer> wide() {
        return Arbitraries.integers().between(1, 2000);
    }
}
