package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Splitting a product over threads changes nothing in its result, down to the last bit. */
class GemmThreadsProperties {

    private static int savedThreads;

    @BeforeContainer
    static void splitEverything() {
        savedThreads = Gemm.threads();
        Gemm.parallelMinFmas = 0;
    }

    @AfterContainer
    static void restore() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        Gemm.setThreads(savedThreads);
    }

    @Property(tries = 150)
    void vectorResultsAreBitIdenticalForOneTwoAndThreeThreads(
            @ForAll @IntRange(min = 1, max = 90) int m, @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(max = 40) int k, @ForAll boolean transA, @ForAll boolean transB,
            @ForAll boolean accumulate, @ForAll boolean bias, @ForAll boolean relu, @ForAll long seed) {
        compareThreadCounts(VectorGemm.INSTANCE, new Problem(transA, transB, m, n, k, accumulate, bias,
                relu ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed));
    }

    @Property(tries = 100)
    void scalarResultsAreBitIdenticalForOneTwoAndThreeThreads(
            @ForAll @IntRange(min = 1, max = 90) int m, @ForAll @IntRange(min = 1, max = 120) int n,
            @ForAll @IntRange(max = 40) int k, @ForAll boolean transA, @ForAll boolean transB,
            @ForAll boolean accumulate, @ForAll boolean bias, @ForAll boolean relu, @ForAll long seed) {
        compareThreadCounts(ScalarGemm.INSTANCE, new Problem(transA, transB, m, n, k, accumulate, bias,
                relu ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed));
    }

    @Example
    void weightGradientShapeIsBitIdenticalOnTwoThreadsAtTheDefaultThreshold() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        try {
            compareThreadCounts(VectorGemm.INSTANCE, new Problem(true, false, 784, 256, 128, false, false,
                    Gemm.ACT_NONE, 3));
        } finally {
            Gemm.parallelMinFmas = 0;
        }
    }

    /**
     * A thread keeps the rows of Aᵀ it packed for its next part in another column panel of the same product
     * ({@link Scratch#aPanelLabel}); the next product of the same shape, on the same arrays with A changed, must not
     * read them.
     */
    @Example
    void transposedRowsPackedForOneProductAreNotReadByTheNext() {
        for (int t = 1; t <= 2; t++) {
            Gemm.setThreads(t);
            Problem problem = new Problem(true, false, 300, 200, 30, true, false, Gemm.ACT_NONE, 31 + t);
            Gemm.run(VectorGemm.INSTANCE, problem.call());
            assertNull(problem.mismatch(), "first product, threads " + t);
            System.arraycopy(problem.c, 0, problem.c0, 0, problem.c.length);
            for (int i = 0; i < problem.a.length; i++) {
                problem.a[i] = 1 - problem.a[i] * 0.5f;
            }
            Gemm.run(VectorGemm.INSTANCE, problem.call());
            assertNull(problem.mismatch(), "second product with A changed, threads " + t);
        }
    }

    /** The same for the panels of B a thread keeps for its next part in the same columns ({@link Scratch#panelLabel}). */
    @Example
    void panelsPackedForOneProductAreNotReadByTheNext() {
        for (boolean transB : new boolean[] {false, true}) {
            for (int t = 1; t <= 2; t++) {
                Gemm.setThreads(t);
                Problem problem = new Problem(false, transB, 120, 200, 30, false, true, Gemm.ACT_NONE, 41 + t);
                Gemm.run(VectorGemm.INSTANCE, problem.call());
                assertNull(problem.mismatch(), "first product, threads " + t);
                for (int i = 0; i < problem.b.length; i++) {
                    problem.b[i] = 1 - problem.b[i] * 0.5f;
                }
                Gemm.run(VectorGemm.INSTANCE, problem.call());
                assertNull(problem.mismatch(), "second product with B changed, transB " + transB + ", threads " + t);
            }
        }
    }

    private static void compareThreadCounts(GemmKernel kernel, Problem problem) {
        float[] start = problem.c.clone();
        float[][] results = new float[3][];
        for (int t = 1; t <= 3; t++) {
            System.arraycopy(start, 0, problem.c, 0, start.length);
            // the caller's packed A and B from the previous run must not stand in for rows a split failed to pack
            java.util.Arrays.fill(Scratch.current().aTiles(problem.m * problem.k), Float.NaN);
            for (float[] panel : Scratch.current().bPanels(0, 0)) {
                java.util.Arrays.fill(panel, Float.NaN);
            }
            Gemm.setThreads(t);
            Gemm.run(kernel, problem.call());
            results[t - 1] = problem.c.clone();
        }
        assertArrayEquals(results[0], results[1], () -> "1 vs 2 threads, " + kernel.name() + " " + problem);
        assertArrayEquals(results[0], results[2], () -> "1 vs 3 threads, " + kernel.name() + " " + problem);
    }

    @Property(tries = 200)
    void splitCoversCExactlyOnceAlongAlignedCuts(@ForAll @IntRange(min = 1, max = 500) int m,
                                                 @ForAll @IntRange(min = 1, max = 500) int n,
                                                 @ForAll @IntRange(min = 2, max = 5) int t, @ForAll boolean vector,
                                                 @ForAll boolean panelMajor) {
        GemmKernel kernel = vector ? VectorGemm.INSTANCE : ScalarGemm.INSTANCE;
        int[] rect = new int[4 * Gemm.maxParts(t)];
        int parts = Gemm.split(kernel, m, n, t, Gemm.PARTS_PER_THREAD, panelMajor, rect);
        int[][] owner = owners(kernel, rect, parts, m, n);
        int covered = parts == 1 ? 0 : 1; // a product too small to split is run whole, outside split()
        for (int[] row : owner) {
            for (int count : row) {
                assertEquals(covered, count);
            }
        }
    }

    /**
     * How many of the first {@code parts} rectangles of {@code rect} cover each element of an m x n C, each rectangle's
     * first row and column checked to fall on the kernel's alignments.
     */
    static int[][] owners(GemmKernel kernel, int[] rect, int parts, int m, int n) {
        int[][] owner = new int[m][n];
        for (int q = 0; q < parts; q++) {
            int i0 = rect[4 * q], i1 = rect[4 * q + 1], j0 = rect[4 * q + 2], j1 = rect[4 * q + 3];
            assertTrue(i0 % kernel.rowAlign() == 0 && j0 % kernel.columnAlign() == 0, "cut off alignment");
            for (int i = i0; i < i1; i++) {
                for (int j = j0; j < j1; j++) {
                    owner[i][j]++;
                }
            }
        }
        return owner;
    }

    /** 64-column panels and 6-row tiles (the 512-bit vector kernel's before its 5-row tile), whatever this machine's lanes. */
    private static final GemmKernel WIDE = alignedOnly("wide", 64, 6);
    /** Alignments of the 4 x 2 tile with 256-bit vectors (16-column panels, 4-row tiles). */
    private static final GemmKernel NARROW = alignedOnly("narrow", 16, 4);

    /** A kernel that only has alignments, for the cuts of {@link Gemm#split}. */
    private static GemmKernel alignedOnly(String name, int columns, int rows) {
        return new GemmKernel() {
            @Override
            public void compute(GemmCall call, int i0, int i1, int j0, int j1) {
                throw new UnsupportedOperationException();
            }

            @Override
            public float[][] packB(float[] b, int bOff, boolean transB, int k, int n) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int columnAlign() {
                return columns;
            }

            @Override
            public int rowAlign() {
                return rows;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    @Example
    void splitCutsPanelsAndRowsInRowMajorOrder() {
        int[] rect = new int[64];
        // 8 parts per thread: 4 runs of whole 6-row tiles, each across the 4 column panels, so that the caller, claiming
        // from the front, computes the first rows and the helper, from the back, the last
        assertEquals(16, Gemm.split(WIDE, 128, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
        assertArrayEquals(new int[] {0, 30, 0, 64, 0, 30, 64, 128, 0, 30, 128, 192, 0, 30, 192, 256, 30, 66, 0, 64},
                Arrays.copyOf(rect, 20));
        assertArrayEquals(new int[] {96, 128, 192, 256}, Arrays.copyOfRange(rect, 60, 64));
        assertEquals(5, Gemm.split(WIDE, 128, 10, 2, Gemm.PARTS_PER_THREAD, false, rect));
        assertArrayEquals(new int[] {0, 24, 0, 10, 24, 48, 0, 10}, Arrays.copyOf(rect, 8));
        assertEquals(4, Gemm.split(WIDE, 1, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
        assertArrayEquals(new int[] {0, 1, 192, 256}, Arrays.copyOfRange(rect, 12, 16));
        assertEquals(1, Gemm.split(WIDE, 5, 10, 2, Gemm.PARTS_PER_THREAD, false, rect));
    }

    @Example
    void panelMajorCellsGiveEachEndItsRowsPanelByPanel() {
        int[] rect = new int[4 * Gemm.maxParts(2)];
        // W1's second layer (128 x 128, 2 panels): the caller, from the front, takes the first rows in panel 0, then in
        // panel 1; the helper, from the back, the last rows likewise; the cells where they meet stay whole here
        assertEquals(8, Gemm.split(WIDE, 128, 128, 2, 4, true, rect));
        assertArrayEquals(new int[] {0, 30, 0, 64, 30, 66, 0, 64, 0, 30, 64, 128, 30, 66, 64, 128,
                96, 128, 64, 128, 66, 96, 64, 128, 96, 128, 0, 64, 66, 96, 0, 64}, Arrays.copyOf(rect, 32));
    }

    @Property(tries = 200)
    void panelMajorOrderIsAPermutationKeepingEachEndsRows(@ForAll @IntRange(min = 1, max = 12) int rowParts,
                                                         @ForAll @IntRange(min = 1, max = 12) int colParts) {
        int cells = rowParts * colParts;
        int frontRows = (rowParts + 1) / 2;
        boolean[] seen = new boolean[cells];
        for (int pos = 0; pos < cells; pos++) {
            int cell = Gemm.panelMajorCell(pos, rowParts, colParts);
            assertTrue(cell >= 0 && cell < cells && !seen[cell], "cell " + cell + " at " + pos);
            seen[cell] = true;
            boolean front = pos < frontRows * colParts;
            assertEquals(front, cell / colParts < frontRows, "the front holds the first rows, at " + pos);
        }
    }

    @Example
    void fewerPartsPerThreadMakeLargerCells() {
        int[] rect = new int[4 * Gemm.maxParts(2)];
        // a kernel packing B per part (the 5 x 4 tile) asks for 4 per thread: 4 panels by 2 row halves, and the 2 cells where the
        // two ends meet cut into 2 runs each
        assertEquals(10, Gemm.split(WIDE, 128, 256, 2, 4, false, rect));
        assertArrayEquals(new int[] {0, 66, 0, 64, 0, 66, 64, 128, 0, 66, 128, 192, 0, 30, 192, 256, 30, 66, 192, 256,
                66, 96, 0, 64, 96, 128, 0, 64, 66, 128, 64, 128}, Arrays.copyOf(rect, 32));
        // and never more than PARTS_PER_THREAD, which sizes the rectangles' array
        assertEquals(Gemm.split(WIDE, 500, 500, 3, Gemm.PARTS_PER_THREAD, false, rect),
                Gemm.split(WIDE, 500, 500, 3, 64, false, rect));
    }

    @Example
    void splitCutsThePartsWhereTheTwoEndsMeetByRows() {
        int[] rect = new int[4 * Gemm.maxParts(2)];
        // W1's first layer at two threads: 16 panels; the caller claims from the first, the helper from the last, and
        // the 4 in the middle (a quarter of the parts), which they reach last, come in 4 runs of 32 rows each
        assertEquals(28, Gemm.split(NARROW, 128, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
        for (int q = 0; q < 6; q++) {
            assertArrayEquals(new int[] {0, 128, 16 * q, 16 * q + 16}, Arrays.copyOfRange(rect, 4 * q, 4 * q + 4));
        }
        for (int q = 6; q < 22; q++) {
            int panel = 6 + (q - 6) / 4;
            int run = (q - 6) % 4;
            assertArrayEquals(new int[] {32 * run, 32 * run + 32, 16 * panel, 16 * panel + 16},
                    Arrays.copyOfRange(rect, 4 * q, 4 * q + 4));
        }
        for (int q = 22; q < 28; q++) {
            int panel = q - 12;
            assertArrayEquals(new int[] {0, 128, 16 * panel, 16 * panel + 16}, Arrays.copyOfRange(rect, 4 * q, 4 * q + 4));
        }
        // runs keep at least 4 row blocks: 40 rows (10 blocks) make 2 runs of 20 rows
        assertEquals(12 + 4 * 2, Gemm.split(NARROW, 40, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
        assertArrayEquals(new int[] {0, 20, 96, 112, 20, 40, 96, 112, 0, 20, 112, 128, 20, 40, 112, 128},
                Arrays.copyOfRange(rect, 4 * 6, 4 * 10));
        // and 12 rows (3 blocks) cannot be cut at all
        assertEquals(16, Gemm.split(NARROW, 12, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
    }

    @Example
    void scalarKernelIsSplitByRowsOnly() {
        int[] rect = new int[64];
        assertEquals(2, Gemm.split(ScalarGemm.INSTANCE, 128, 256, 2, Gemm.PARTS_PER_THREAD, false, rect));
        assertArrayEquals(new int[] {0, 64, 0, 256, 64, 128, 0, 256}, Arrays.copyOf(rect, 8));
    }
}
