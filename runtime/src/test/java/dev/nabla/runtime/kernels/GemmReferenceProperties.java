package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Both kernels against a double-precision reference, over shapes that hit every edge of the tiling. */
class GemmReferenceProperties {

    private static int savedThreads;

    @BeforeContainer
    static void oneThread() {
        savedThreads = Gemm.threads();
        Gemm.setThreads(1);
    }

    @AfterContainer
    static void restoreThreads() {
        Gemm.setThreads(savedThreads);
    }

    @Example
    void vectorKernelIsActiveWhenTheIncubatorModuleIsPresent() {
        assertEquals("vector", Gemm.implementation());
    }

    @Property(tries = 300)
    void vectorKernelMatchesReference(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("depths") int k,
                                      @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate,
                                      @ForAll boolean bias, @ForAll @IntRange(max = 1) int act, @ForAll long seed) {
        check(VectorGemm.INSTANCE, new Problem(transA, transB, m, n, k, accumulate, bias, act, seed));
    }

    @Property(tries = 300)
    void scalarKernelMatchesReference(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("depths") int k,
                                      @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate,
                                      @ForAll boolean bias, @ForAll @IntRange(max = 1) int act, @ForAll long seed) {
        check(ScalarGemm.INSTANCE, new Problem(transA, transB, m, n, k, accumulate, bias, act, seed));
    }

    /**
     * Long products, which with {@code -Dnabla.gemm.kblock=256} (the pom's blocked re-run) the 2-vector tile runs in
     * blocks of panel rows (the first block stores, the later ones add on): every epilogue, both layouts of A, row
     * counts around the tile height, depths one past a block, between blocks and over several.
     */
    @Property(tries = 60)
    void vectorKernelMatchesReferenceOnLongProducts(@ForAll("awkwardRows") int m, @ForAll("dims") int n,
                                                    @ForAll("longDepths") int k, @ForAll boolean transA,
                                                    @ForAll boolean transB, @ForAll boolean accumulate,
                                                    @ForAll boolean bias, @ForAll @IntRange(max = 1) int act,
                                                    @ForAll long seed) {
        check(VectorGemm.INSTANCE, new Problem(transA, transB, m, n, k, accumulate, bias, act, seed));
    }

    @Provide
    Arbitrary<Integer> awkwardRows() {
        return Arbitraries.of(1, 3, 4, 5, 6, 15, 17, 33, 128, 255);
    }

    @Provide
    Arbitrary<Integer> longDepths() {
        // around blocks of 256, the depth the pom's blocked re-run sets (-Dnabla.gemm.kblock=256)
        return Arbitraries.of(257, 300, 511, 513, 784, 775);
    }

    @Property(tries = 12)
    void vectorKernelMatchesReferenceOnTrainingShapes(@ForAll("trainingShapes") int[] shape, @ForAll long seed) {
        boolean transA = shape[3] == 1;
        boolean transB = shape[4] == 1;
        check(VectorGemm.INSTANCE, new Problem(transA, transB, shape[0], shape[1], shape[2], false,
                !transA && !transB, Gemm.ACT_RELU * shape[5], seed));
    }

    @Property(tries = 6)
    void scalarKernelMatchesReferenceOnTrainingShapes(@ForAll("trainingShapes") int[] shape, @ForAll long seed) {
        check(ScalarGemm.INSTANCE, new Problem(shape[3] == 1, shape[4] == 1, shape[0], shape[1], shape[2],
                true, false, Gemm.ACT_NONE, seed));
    }

    @Example
    void batchOneInferenceProductMatchesReference() {
        check(VectorGemm.INSTANCE, new Problem(false, false, 1, 256, 784, false, true, Gemm.ACT_RELU, 7));
        check(VectorGemm.INSTANCE, new Problem(false, true, 1, 784, 256, true, false, Gemm.ACT_NONE, 8));
    }

    /**
     * 9 to 15 columns after the full panels (W1's 10 classes), which the 2-vector kernel computes as one panel padded
     * with zero columns: every epilogue, both layouts of A and B, accumulating or not, row counts around the tile.
     */
    /**
     * Products added onto C deep enough that their panels are taken in several groups ({@code VectorGemm.rowsOuter}:
     * 2 panels at k = 1,024, 2 or 3 at 775), with rows and columns left after the full tiles and panels.
     */
    @Example
    void accumulatedProductsInGroupsOfPanelsMatchReference() {
        for (int[] s : new int[][] {{784, 256, 1024}, {255, 100, 775}, {5, 97, 1024}, {1, 64, 775}}) {
            for (boolean transA : new boolean[] {true, false}) {
                check(VectorGemm.INSTANCE, new Problem(transA, false, s[0], s[1], s[2], true, false, Gemm.ACT_NONE, 5));
            }
        }
    }

    @Example
    void paddedPanelColumnsMatchReference() {
        int l = VectorGemm.lanes();
        long seed = 11;
        for (int n : new int[] {l + 1, l + 2, 2 * l - 1, 2 * l + l + 2, 4 * l + l + 7}) {
            for (int m : new int[] {2, 4, 7, 128}) {
                for (int mode = 0; mode < 16; mode++) {
                    boolean transA = (mode & 1) != 0;
                    boolean transB = (mode & 2) != 0;
                    boolean accumulate = (mode & 4) != 0;
                    boolean bias = (mode & 8) != 0;
                    check(VectorGemm.INSTANCE, new Problem(transA, transB, m, n, 37, accumulate, bias,
                            bias ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed++));
                }
            }
        }
    }

    static void check(GemmKernel kernel, Problem problem) {
        Gemm.run(kernel, problem.call());
        assertNull(problem.mismatch(), () -> kernel.name() + " " + problem);
    }

    /** Sizes around the tile edges: 1, primes, the tile heights 4 and 6, a vector and a tile width (64) +-1, 16 vectors. */
    @Provide
    Arbitrary<Integer> dims() {
        int l = VectorGemm.lanes();
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 70),
                Arbitraries.of(1, 2, 5, 6, 7, 13, l - 1, l, l + 1, 4 * l - 1, 4 * l, 4 * l + 1, 8 * l + 3, 16 * l + 5, 97));
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 40), Arbitraries.of(1, 17, 64, 129, 301));
    }

    /** The products of one W1 training step: m, n, k, transA, transB, relu. */
    @Provide
    Arbitrary<int[]> trainingShapes() {
        return Arbitraries.of(
                new int[] {128, 256, 784, 0, 0, 1}, new int[] {128, 128, 256, 0, 0, 1},
                new int[] {128, 10, 128, 0, 0, 0}, new int[] {784, 256, 128, 1, 0, 0},
                new int[] {256, 128, 128, 1, 0, 0}, new int[] {128, 10, 128, 1, 0, 0},
                new int[] {128, 256, 128, 0, 1, 0}, new int[] {128, 128, 10, 0, 1, 0});
    }
}
