package dev.nabla.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels. The main tile is {@link #ROWS} rows by {@link #VECTORS} vectors of C (6 x 4: 24
 * accumulators, 6x64 floats with 512-bit vectors, here; 4 x 2 with 256-bit ones, in {@link TwoVectorTiles}); narrower and shorter
 * variants cover the edges. A is read in place
 * ({@code A(r,p) = a[aBase + r*ars + p]}) or, for a transposed A, from a copy packed in groups of
 * {@link #A_GROUP} rows ({@code a[aBase + r + p*A_STRIDE]}, the {@code T} kernels). B is always a packed panel
 * whose row p starts at {@code b[p * W]} (4- and 2-vector tiles) or {@code b[p * L]} (1-vector tiles): an index of
 * the loop counter times a constant (for A as for B) is what lets C2 remove the range checks of the vector loads from the
 * loop by itself. With B read in place at a running offset of stride n, only profile-based loop predication
 * could hoist them; after a few predicate traps C2 recompiled without it and the checks stayed in the loop
 * (2-3 times slower runs of {@code nabla train}, decided by JIT history). Each kernel stores the plain
 * sums {@code sum_p A(i,p)*B(p,j)}, accumulated with fma in order of p, into {@code d} (row stride
 * {@code dStride}); bias, accumulation and activation are applied by {@link VectorEpilogue}.
 *
 * <p>The kernels contain no branch: a vector value merged from two branches makes C2 box it, which
 * allocates and runs ten times slower.
 */
final class VectorTiles {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Vectors across the main tile: 4 (6 x 4, 24 accumulators) where the vector registers are 512 bits wide and
     * there are 32 of them (AVX-512), else 2 (4 x 2, 8 accumulators, in {@link TwoVectorTiles}): AVX2 has 16
     * registers, and both the 6 x 4 and the 6 x 2 tile kept accumulators on the stack in their inner loop there.
     * {@code -Dnabla.gemm.vectors=2|4} overrides the choice, for measuring one against the other.
     */
    static final int VECTORS = panelVectors();
    /** Rows of the main tile: 6 with 4 vectors, 4 with 2 (see {@link TwoVectorTiles}). */
    static final int ROWS = VECTORS == 4 ? 6 : 4;
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

    /** A 6 x 4-vector tile. */
    static void tile6x4(float[] a, int aBase, int ars, float[] b, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, p * W + 3 * L);
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
            FloatVector a5 = FloatVector.broadcast(S, a[aBase + 5 * ars + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            c53 = a5.fma(b3, c53);
        }
        c00.intoArray(d, dBase);
        c01.intoArray(d, dBase + L);
        c02.intoArray(d, dBase + 2 * L);
        c03.intoArray(d, dBase + 3 * L);
        c10.intoArray(d, dBase + dStride);
        c11.intoArray(d, dBase + dStride + L);
        c12.intoArray(d, dBase + dStride + 2 * L);
        c13.intoArray(d, dBase + dStride + 3 * L);
        c20.intoArray(d, dBase + 2 * dStride);
        c21.intoArray(d, dBase + 2 * dStride + L);
        c22.intoArray(d, dBase + 2 * dStride + 2 * L);
        c23.intoArray(d, dBase + 2 * dStride + 3 * L);
        c30.intoArray(d, dBase + 3 * dStride);
        c31.intoArray(d, dBase + 3 * dStride + L);
        c32.intoArray(d, dBase + 3 * dStride + 2 * L);
        c33.intoArray(d, dBase + 3 * dStride + 3 * L);
        c40.intoArray(d, dBase + 4 * dStride);
        c41.intoArray(d, dBase + 4 * dStride + L);
        c42.intoArray(d, dBase + 4 * dStride + 2 * L);
        c43.intoArray(d, dBase + 4 * dStride + 3 * L);
        c50.intoArray(d, dBase + 5 * dStride);
        c51.intoArray(d, dBase + 5 * dStride + L);
        c52.intoArray(d, dBase + 5 * dStride + 2 * L);
        c53.intoArray(d, dBase + 5 * dStride + 3 * L);
    }

    /** {@link #tile6x4} on a packed Aᵀ: {@code A(r,p) = a[aBase + r + p*A_STRIDE]}. */
    static void tile6x4T(float[] a, int aBase, float[] b, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, p * W + 3 * L);
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
            FloatVector a5 = FloatVector.broadcast(S, a[aBase + 5 + p * A_STRIDE]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            c53 = a5.fma(b3, c53);
        }
        c00.intoArray(d, dBase);
        c01.intoArray(d, dBase + L);
        c02.intoArray(d, dBase + 2 * L);
        c03.intoArray(d, dBase + 3 * L);
        c10.intoArray(d, dBase + dStride);
        c11.intoArray(d, dBase + dStride + L);
        c12.intoArray(d, dBase + dStride + 2 * L);
        c13.intoArray(d, dBase + dStride + 3 * L);
        c20.intoArray(d, dBase + 2 * dStride);
        c21.intoArray(d, dBase + 2 * dStride + L);
        c22.intoArray(d, dBase + 2 * dStride + 2 * L);
        c23.intoArray(d, dBase + 2 * dStride + 3 * L);
        c30.intoArray(d, dBase + 3 * dStride);
        c31.intoArray(d, dBase + 3 * dStride + L);
        c32.intoArray(d, dBase + 3 * dStride + 2 * L);
        c33.intoArray(d, dBase + 3 * dStride + 3 * L);
        c40.intoArray(d, dBase + 4 * dStride);
        c41.intoArray(d, dBase + 4 * dStride + L);
        c42.intoArray(d, dBase + 4 * dStride + 2 * L);
        c43.intoArray(d, dBase + 4 * dStride + 3 * L);
        c50.intoArray(d, dBase + 5 * dStride);
        c51.intoArray(d, dBase + 5 * dStride + L);
        c52.intoArray(d, dBase + 5 * dStride + 2 * L);
        c53.intoArray(d, dBase + 5 * dStride + 3 * L);
    }

    /** A 1 x 4-vector tile: one leftover row. */
    static void tile1x4(float[] a, int aBase, float[] b, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, p * W + L);
            FloatVector b2 = FloatVector.fromArray(S, b, p * W + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, p * W + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
        }
        c00.intoArray(d, dBase);
        c01.intoArray(d, dBase + L);
        c02.intoArray(d, dBase + 2 * L);
        c03.intoArray(d, dBase + 3 * L);
    }

    /** A 6 x 1-vector tile: columns left after the last full panel. */
    static void tile6x1(float[] a, int aBase, int ars, float[] b, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        FloatVector c50 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * L);
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
            FloatVector a5 = FloatVector.broadcast(S, a[aBase + 5 * ars + p]);
            c50 = a5.fma(b0, c50);
        }
        c00.intoArray(d, dBase);
        c10.intoArray(d, dBase + dStride);
        c20.intoArray(d, dBase + 2 * dStride);
        c30.intoArray(d, dBase + 3 * dStride);
        c40.intoArray(d, dBase + 4 * dStride);
        c50.intoArray(d, dBase + 5 * dStride);
    }

    /** {@link #tile6x1} on a packed Aᵀ: {@code A(r,p) = a[aBase + r + p*A_STRIDE]}. */
    static void tile6x1T(float[] a, int aBase, float[] b, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        FloatVector c50 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * L);
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
            FloatVector a5 = FloatVector.broadcast(S, a[aBase + 5 + p * A_STRIDE]);
            c50 = a5.fma(b0, c50);
        }
        c00.intoArray(d, dBase);
        c10.intoArray(d, dBase + dStride);
        c20.intoArray(d, dBase + 2 * dStride);
        c30.intoArray(d, dBase + 3 * dStride);
        c40.intoArray(d, dBase + 4 * dStride);
        c50.intoArray(d, dBase + 5 * dStride);
    }

    /** A 1 x 1-vector tile: a leftover row in those columns. */
    static void tile1x1(float[] a, int aBase, float[] b, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
        }
        c00.intoArray(d, dBase);
    }
}
