package dev.nabla.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels. The main tile is 6 rows by 4 vectors of C (24 accumulators, 6x64 floats
 * with 512-bit vectors); narrower and shorter variants cover the edges. A is read in place through strides
 * ({@code A(i,p) = a[aBase + i*ars + p*acs]}), so a transposed A costs nothing; row p of the B panel is
 * read at {@code b[bBase + p*bStride]}, from B itself or from a packed copy. Each kernel stores the plain
 * sums {@code sum_p A(i,p)*B(p,j)}, accumulated with fma in order of p, into {@code d} (row stride
 * {@code dStride}); bias, accumulation and activation are applied by {@link VectorEpilogue}.
 *
 * <p>The kernels contain no branch: a vector value merged from two branches makes C2 box it, which
 * allocates and runs ten times slower.
 */
final class VectorTiles {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the main tile. */
    static final int ROWS = 6;
    /** Width of the main tile in floats. */
    static final int W = 4 * L;

    private VectorTiles() {
    }

    /** A 6 x 4-vector tile. */
    static void tile6x4(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        int ap = aBase;
        int bp = bBase;
        for (int p = 0; p < k; p++, ap += acs, bp += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4 * ars]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5 * ars]);
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
    static void tile1x4(float[] a, int aBase, int acs, float[] b, int bBase, int bStride, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        int ap = aBase;
        int bp = bBase;
        for (int p = 0; p < k; p++, ap += acs, bp += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
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
    static void tile6x1(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int k,
                        float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        FloatVector c50 = z;
        int ap = aBase;
        int bp = bBase;
        for (int p = 0; p < k; p++, ap += acs, bp += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + ars]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2 * ars]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3 * ars]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4 * ars]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5 * ars]);
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
    static void tile1x1(float[] a, int aBase, int acs, float[] b, int bBase, int bStride, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        int ap = aBase;
        int bp = bBase;
        for (int p = 0; p < k; p++, ap += acs, bp += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = a0.fma(b0, c00);
        }
        c00.intoArray(d, dBase);
    }
}
