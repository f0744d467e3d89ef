package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Products reading a B packed once ({@link GemmKernel#packB}, {@link PackedWeights}) against the same products packing
 * B per call: the same floats to the bit, on any thread count, in both kernel families (the runtime's pom runs this
 * class again with each main tile forced, {@code -Dnabla.gemm.vectors=2|4}: the 4 x 2 tile reads deep panels in
 * k-blocks).
 */
class GemmPackedProperties {

    private static int savedThreads;

    @BeforeContainer
    static void splitSmallProducts() {
        savedThreads = Gemm.threads();
        Gemm.parallelMinFmas = 0;
    }

    @AfterContainer
    static void restore() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        Gemm.setThreads(savedThreads);
        Gemm.bind(null);
    }

    @Property(tries = 100)
    void vectorPackedBIsBitIdenticalToPackingPerCall(@ForAll("dims") int m, @ForAll("dims") int n,
                                                     @ForAll("depths") int k, @ForAll boolean transA,
                                                     @ForAll boolean transB, @ForAll boolean accumulate,
                                                     @ForAll boolean bias, @ForAll boolean relu,
                                                     @ForAll @IntRange(min = 1, max = 3) int threads,
                                                     @ForAll long seed) {
        comparePacked(VectorGemm.INSTANCE, threads, new Problem(transA, transB, m, n, k, accumulate, bias,
                relu ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed));
    }

    @Property(tries = 60)
    void scalarPackedBIsBitIdenticalToPackingPerCall(@ForAll("dims") int m, @ForAll("dims") int n,
                                                     @ForAll("depths") int k, @ForAll boolean transA,
                                                     @ForAll boolean transB, @ForAll boolean accumulate,
                                                     @ForAll boolean bias, @ForAll boolean relu,
                                                     @ForAll @IntRange(min = 1, max = 3) int threads,
                                                     @ForAll long seed) {
        comparePacked(ScalarGemm.INSTANCE, threads, new Problem(transA, transB, m, n, k, accumulate, bias,
                relu ? Gemm.ACT_RELU : Gemm.ACT_NONE, seed));
    }

    /** The forward products of W1 (W3 at batch 128 and 1) with the threshold the runtime really uses. */
    @Example
    void inferenceShapesAreBitIdenticalAtTheDefaultThreshold() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        try {
            for (GemmKernel kernel : new GemmKernel[] {VectorGemm.INSTANCE, ScalarGemm.INSTANCE}) {
                for (int batch : new int[] {1, 17, 128}) {
                    comparePacked(kernel, 2, new Problem(false, false, batch, 256, 784, false, true, Gemm.ACT_RELU, 1));
                    comparePacked(kernel, 2, new Problem(false, false, batch, 128, 256, false, true, Gemm.ACT_RELU, 2));
                    comparePacked(kernel, 2, new Problem(false, false, batch, 10, 128, false, true, Gemm.ACT_NONE, 3));
                }
            }
        } finally {
            Gemm.parallelMinFmas = 0;
        }
    }

    /** Packs B once, then runs the product on {@code threads} threads; it must match packing per call on one. */
    private static void comparePacked(GemmKernel kernel, int threads, Problem problem) {
        float[] start = problem.c.clone();
        Gemm.setThreads(1);
        Gemm.run(kernel, problem.call());
        float[] perCall = problem.c.clone();
        assertNull(problem.mismatch(), () -> kernel.name() + " per call " + problem);

        System.arraycopy(start, 0, problem.c, 0, start.length);
        float[] bBefore = problem.b.clone();
        float[][] packed = kernel.packB(problem.b, problem.bOff, problem.transB, problem.k, problem.n);
        Gemm.setThreads(threads);
        GemmCall call = problem.call();
        call.packedB = packed;
        Gemm.run(kernel, call);
        assertArrayEquals(perCall, problem.c, () -> kernel.name() + " packed once, " + threads + " threads, " + problem);
        assertArrayEquals(bBefore, problem.b, "packing must not write B");
    }

    @Example
    void boundWeightsArePackedOnceAndOnlyForTheirOwnArrays() {
        Gemm.setThreads(2);
        Random r = new Random(5);
        int k = 33;
        int n = 47;
        int m = 17;
        float[] given = ConvCase.random(r, 3 + k * n);
        float[] x = ConvCase.random(r, m * k);
        float[] bias = ConvCase.random(r, n);
        PackedWeights frozen = new PackedWeights(new float[][] {null, given});
        float[] w = frozen.frozen(1);
        assertNotSame(given, w, "the weights are copied");
        float[] other = given;

        float[] expected = new float[m * n];
        Gemm.gemmBiasAct(false, m, n, k, x, 0, w, 3, expected, 0, bias, 0, Gemm.ACT_RELU);
        assertNull(Gemm.bind(frozen));
        try {
            float[] got = new float[m * n];
            Gemm.gemmBiasAct(false, m, n, k, x, 0, w, 3, got, 0, bias, 0, Gemm.ACT_RELU);
            assertArrayEquals(expected, got);
            assertEquals(1, frozen.packedCount());
            Gemm.gemmBiasAct(false, m, n, k, x, 0, w, 3, got, 0, bias, 0, Gemm.ACT_RELU);
            assertEquals(1, frozen.packedCount(), "a second product with the same B packs nothing");
            Gemm.gemm(false, true, m, 40, k, x, 0, w, 3, new float[m * 40], 0, false); // B = w[3..] as [40, k]
            assertEquals(2, frozen.packedCount(), "another slice or transposition of the array is packed of its own");
            Gemm.gemmBiasAct(false, m, n, k, x, 0, other, 3, got, 0, bias, 0, Gemm.ACT_RELU);
            assertEquals(2, frozen.packedCount(), "an array that is not a frozen weight is never packed");
            assertArrayEquals(expected, got);
        } finally {
            assertSame(frozen, Gemm.bind(null));
        }
        Gemm.gemmBiasAct(false, m, n, k, x, 0, w, 3, new float[m * n], 0, bias, 0, Gemm.ACT_RELU);
        assertEquals(2, frozen.packedCount(), "unbound: products pack per call again");
    }

    @Example
    void packedPanelsAreCopiesNotViews() {
        float[] b = ConvCase.random(new Random(9), 40 * 30);
        float[][] panels = VectorGemm.INSTANCE.packB(b, 0, false, 40, 30);
        for (float[] p : panels) {
            assertNotSame(b, p);
        }
        assertEquals(panels.length, VectorPackedB.index(29, 30) + 1, "the last column's panel is the last one");
    }

    /** 1, 15, 17, 255 and the tile edges: a vector and a main tile's width +-1, the tile height 6. */
    @Provide
    Arbitrary<Integer> dims() {
        int l = VectorGemm.lanes();
        int w = VectorTiles.W;
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 70),
                Arbitraries.of(1, 6, 7, 15, 17, l - 1, l, l + 1, w - 1, w, w + 1, 2 * w + l + 3, 255));
    }

    /**
     * Also deeper than one k-block of 256 ({@link VectorGemm#K_BLOCK} in the pom's blocked re-run), by 1 and into a
     * third block.
     */
    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 40),
                Arbitraries.of(1, 15, 17, 255, 257, 515));
    }
}
