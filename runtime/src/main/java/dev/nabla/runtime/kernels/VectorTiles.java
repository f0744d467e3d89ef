package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels. The main tile is {@link #ROWS} rows by {@link #VECTORS} vectors of C (5 x 4: 20
 * accumulators, 5x64 floats with 512-bit vectors, here; 4 x 2 with 256-bit ones, in {@link TwoVectorTiles}); narrower and shorter
 * variants cover the edges. A is read in place
 * ({@code A(r,p) = a[aBase + r*ars + p]}) or, for a transposed A, from a copy packed in groups of
 * {@link #A_GROUP} rows ({@code a[aBase + r + p*A_STRIDE]}, the {@code T} kernels). B is always a packed panel
 * whose row p starts at {@code b[p * W]} (4- and 2-vector tiles) or {@code b[p * L]} (1-vector tiles), or at {@code bOff}
 * plus that where the kernel takes an offset (a slice of a panel's rows, see {@code VectorGemm.computeSlice}): an index of
 * the loop counter times a constant (for A as for B) is what lets C2 remove the range checks of the vector loads from the
 * loop by itself. With B read in place at a running offset of stride n, only profile-based loop predication
 * could hoist them; after a few predicate traps C2 recompiled without it and the checks stayed in the loop
 * (2-3 times slower runs of {@code nabla train}, decided by JIT history). Each kernel stores the plain
 * sums {@code sum_p A(i,p)*B(p,j)}, accumulated with fma in order of p, into {@code d} (row stride
 * {@code dStride}); bias, accumulation and activation are applied by {@link VectorEpilogue}. The {@code Acc} kernels
 * start each sum from {@code d} instead and take the same fma steps onto it: a product added onto C (a weight
 * gradient onto its L2 term) with no epilogue pass. They are copies rather than one kernel with the start passed in
 * (an array of zeros for plain sums): with three more parameters C2 kept less in registers, and the 5 x 4 tile took
 * 31.7-35.6 µs where this one takes 27.8-28.1 (120 x 64 x 392, one thread, alternating JVMs).
 *
 * <p>The kernels contain no branch: a vector value merged from two branches makes C2 box it, which
 * allocates and runs ten times slower.
 */
final class VectorTiles {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Vectors across the main tile: 4 (5 x 4, 20 accumulators) where the vector registers are 512 bits wide and
     * there are 32 of them (AVX-512), else 2 (4 x 2, 8 accumulators, in {@link TwoVectorTiles}): AVX2 has 16
     * registers, and both the 6 x 4 and the 6 x 2 tile kept accumulators on the stack in their inner loop there.
     * {@code -Dnabla.gemm.vectors=2|4} overrides the choice, for measuring one against the other.
     */
    static final int VECTORS = panelVectors();
    /**
     * Rows of the main tile: 5 with 4 vectors, 4 with 2 (see {@link TwoVectorTiles}). With 6 rows (24 accumulators),
     * C2 loaded all six broadcasts of A before the multiply-adds, which left two accumulators for the stack: each step
     * loaded, added and stored them again, and the tile ran at 73% of the multiply-add peak. 5 rows (20 accumulators, 4
     * of B, 5 of A) fit the 32 registers: 120 rows x 64 columns x 392 deep took 29.5 µs against 37.5-39.6, about 95% of
     * the peak (Zen 5, one thread, B in L2; docs/benchmarks.md).
     */
    static final int ROWS = VECTORS == 4 ? 5 : 4;
    /** Width of the main tile in floats. */
    static final int W = VECTORS * L;
    /** Rows per group of a packed Aᵀ (a multiple of ROWS, so that no row tile straddles two groups). */
    static final int A_GROUP = 8 * ROWS;
    /**
     * Floats per row p of a group of packed Aᵀ: a power of two, because C2 turns a product by 48 into two
     * shifts and an add, which its range-check elimination does not recognise as the loop counter times a
     * constant (the checks then stay in the loop).
     */
    static final int A_STRIDE = 64;

    private VectorTiles() {
    }

    private static int panelVectors() {
        int chosen = Integer.getInteger("nabla.gemm.vectors", L >= 16 ? 4 : 2);
        return chosen == 2 ? 2 : 4;
    }

    /** A 5 x 4-vector tile. */
    static void tile5x4(float[] a, int aBase, int ars, float[] b, int bOff, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + ars + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 * ars + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 * ars + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 * ars + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c12).intoArray(d, dBase + dStride + 2 * L);
        EXACT.cast(c13).intoArray(d, dBase + dStride + 3 * L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c22).intoArray(d, dBase + 2 * dStride + 2 * L);
        EXACT.cast(c23).intoArray(d, dBase + 2 * dStride + 3 * L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
        EXACT.cast(c32).intoArray(d, dBase + 3 * dStride + 2 * L);
        EXACT.cast(c33).intoArray(d, dBase + 3 * dStride + 3 * L);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
        EXACT.cast(c41).intoArray(d, dBase + 4 * dStride + L);
        EXACT.cast(c42).intoArray(d, dBase + 4 * dStride + 2 * L);
        EXACT.cast(c43).intoArray(d, dBase + 4 * dStride + 3 * L);
    }

    /** {@link #tile5x4} on a packed Aᵀ: {@code A(r,p) = a[aBase + r + p*A_STRIDE]}. */
    static void tile5x4T(float[] a, int aBase, float[] b, int bOff, int k,
                         float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p * A_STRIDE]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + 1 + p * A_STRIDE]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 + p * A_STRIDE]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 + p * A_STRIDE]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 + p * A_STRIDE]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c12).intoArray(d, dBase + dStride + 2 * L);
        EXACT.cast(c13).intoArray(d, dBase + dStride + 3 * L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c22).intoArray(d, dBase + 2 * dStride + 2 * L);
        EXACT.cast(c23).intoArray(d, dBase + 2 * dStride + 3 * L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
        EXACT.cast(c32).intoArray(d, dBase + 3 * dStride + 2 * L);
        EXACT.cast(c33).intoArray(d, dBase + 3 * dStride + 3 * L);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
        EXACT.cast(c41).intoArray(d, dBase + 4 * dStride + L);
        EXACT.cast(c42).intoArray(d, dBase + 4 * dStride + 2 * L);
        EXACT.cast(c43).intoArray(d, dBase + 4 * dStride + 3 * L);
    }

    /** A 1 x 4-vector tile: one leftover row. */
    static void tile1x4(float[] a, int aBase, float[] b, int bOff, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
    }

    /** A 5 x 1-vector tile: columns left after the last full panel. */
    static void tile5x1(float[] a, int aBase, int ars, float[] b, int bOff, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + ars + p]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 * ars + p]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 * ars + p]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 * ars + p]);
            c40 = a4.fma(b0, c40);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
    }

    /** {@link #tile5x1} on a packed Aᵀ: {@code A(r,p) = a[aBase + r + p*A_STRIDE]}. */
    static void tile5x1T(float[] a, int aBase, float[] b, int bOff, int k,
                         float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p * A_STRIDE]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + 1 + p * A_STRIDE]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 + p * A_STRIDE]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 + p * A_STRIDE]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 + p * A_STRIDE]);
            c40 = a4.fma(b0, c40);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
    }

    /** A 1 x 1-vector tile: a leftover row in those columns. */
    static void tile1x1(float[] a, int aBase, float[] b, int bOff, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
        }
        EXACT.cast(c00).intoArray(d, dBase);
    }

    /** {@link #tile5x4} added onto {@code d}: the accumulators start from it. */
    static void tile5x4Acc(float[] a, int aBase, int ars, float[] b, int bOff, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c02 = FloatVector.fromArray(S, d, dBase + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, d, dBase + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c12 = FloatVector.fromArray(S, d, dBase + dStride + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, d, dBase + dStride + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c22 = FloatVector.fromArray(S, d, dBase + 2 * dStride + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, d, dBase + 2 * dStride + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        FloatVector c32 = FloatVector.fromArray(S, d, dBase + 3 * dStride + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, d, dBase + 3 * dStride + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, d, dBase + 4 * dStride);
        FloatVector c41 = FloatVector.fromArray(S, d, dBase + 4 * dStride + L);
        FloatVector c42 = FloatVector.fromArray(S, d, dBase + 4 * dStride + 2 * L);
        FloatVector c43 = FloatVector.fromArray(S, d, dBase + 4 * dStride + 3 * L);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + ars + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 * ars + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 * ars + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 * ars + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c12).intoArray(d, dBase + dStride + 2 * L);
        EXACT.cast(c13).intoArray(d, dBase + dStride + 3 * L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c22).intoArray(d, dBase + 2 * dStride + 2 * L);
        EXACT.cast(c23).intoArray(d, dBase + 2 * dStride + 3 * L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
        EXACT.cast(c32).intoArray(d, dBase + 3 * dStride + 2 * L);
        EXACT.cast(c33).intoArray(d, dBase + 3 * dStride + 3 * L);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
        EXACT.cast(c41).intoArray(d, dBase + 4 * dStride + L);
        EXACT.cast(c42).intoArray(d, dBase + 4 * dStride + 2 * L);
        EXACT.cast(c43).intoArray(d, dBase + 4 * dStride + 3 * L);
    }

    /** {@link #tile5x4T} added onto {@code d}: the accumulators start from it. */
    static void tile5x4TAcc(float[] a, int aBase, float[] b, int bOff, int k,
                         float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c02 = FloatVector.fromArray(S, d, dBase + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, d, dBase + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c12 = FloatVector.fromArray(S, d, dBase + dStride + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, d, dBase + dStride + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c22 = FloatVector.fromArray(S, d, dBase + 2 * dStride + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, d, dBase + 2 * dStride + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        FloatVector c32 = FloatVector.fromArray(S, d, dBase + 3 * dStride + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, d, dBase + 3 * dStride + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, d, dBase + 4 * dStride);
        FloatVector c41 = FloatVector.fromArray(S, d, dBase + 4 * dStride + L);
        FloatVector c42 = FloatVector.fromArray(S, d, dBase + 4 * dStride + 2 * L);
        FloatVector c43 = FloatVector.fromArray(S, d, dBase + 4 * dStride + 3 * L);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p * A_STRIDE]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + 1 + p * A_STRIDE]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 + p * A_STRIDE]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 + p * A_STRIDE]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 + p * A_STRIDE]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c12).intoArray(d, dBase + dStride + 2 * L);
        EXACT.cast(c13).intoArray(d, dBase + dStride + 3 * L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c22).intoArray(d, dBase + 2 * dStride + 2 * L);
        EXACT.cast(c23).intoArray(d, dBase + 2 * dStride + 3 * L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
        EXACT.cast(c32).intoArray(d, dBase + 3 * dStride + 2 * L);
        EXACT.cast(c33).intoArray(d, dBase + 3 * dStride + 3 * L);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
        EXACT.cast(c41).intoArray(d, dBase + 4 * dStride + L);
        EXACT.cast(c42).intoArray(d, dBase + 4 * dStride + 2 * L);
        EXACT.cast(c43).intoArray(d, dBase + 4 * dStride + 3 * L);
    }

    /** {@link #tile1x4} added onto {@code d}: the accumulators start from it. */
    static void tile1x4Acc(float[] a, int aBase, float[] b, int bOff, int k,
                        float[] d, int dBase) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c02 = FloatVector.fromArray(S, d, dBase + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, d, dBase + 3 * L);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c02).intoArray(d, dBase + 2 * L);
        EXACT.cast(c03).intoArray(d, dBase + 3 * L);
    }

    /** {@link #tile5x1} added onto {@code d}: the accumulators start from it. */
    static void tile5x1Acc(float[] a, int aBase, int ars, float[] b, int bOff, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c40 = FloatVector.fromArray(S, d, dBase + 4 * dStride);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + ars + p]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 * ars + p]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 * ars + p]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 * ars + p]);
            c40 = a4.fma(b0, c40);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
    }

    /** {@link #tile5x1T} added onto {@code d}: the accumulators start from it. */
    static void tile5x1TAcc(float[] a, int aBase, float[] b, int bOff, int k,
                         float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c40 = FloatVector.fromArray(S, d, dBase + 4 * dStride);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p * A_STRIDE]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + 1 + p * A_STRIDE]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 + p * A_STRIDE]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 + p * A_STRIDE]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[aBase + 4 + p * A_STRIDE]);
            c40 = a4.fma(b0, c40);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c40).intoArray(d, dBase + 4 * dStride);
    }

    /** {@link #tile1x1} added onto {@code d}: the accumulators start from it. */
    static void tile1x1Acc(float[] a, int aBase, float[] b, int bOff, int k,
                        float[] d, int dBase) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
        }
        EXACT.cast(c00).intoArray(d, dBase);
    }
}
