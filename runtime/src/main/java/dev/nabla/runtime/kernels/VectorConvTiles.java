package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels of the Vector API convolution ({@link VectorConv2d}), vectors along the output
 * positions. Generated (one method per tile shape, straight-line code over named accumulators): a vector held in an
 * array, merged from two branches or carried around an outer loop makes C2 (JDK 17) box it, allocating at every
 * step. Each kernel is a single loop.
 *
 * <p>Tiles are 4 rows by 2 vectors (8 accumulators) with 1-row and 1-vector variants for the edges. With the 16
 * vector registers of AVX2, 12 accumulators (4 x 3) left too few registers for the operands: C2 loads all four
 * broadcasts of an iteration before the multiply-adds, spilled two accumulators to the stack, and every iteration
 * then waited for a store-to-load round trip on them (33 GFLOP/s against 38-45 for 4 x 2 in place; the 4 x 2 loop
 * has no spill). The 4-row kernels read A packed as {@code a[aBase + 4p + r]}, so that the four broadcasts of an
 * iteration share one index.
 *
 * <ul>
 *   <li>{@code mmRxV}: {@code d[r][v] = act(b_r + sum_p A(r,p) * B(p,v))} with B a packed panel of rows of
 *       {@link #TW} floats, {@code B(p,v) = b[bBase + p*TW + v*L]}, stored at {@code d[dBase + r*ds + v*L]};</li>
 *   <li>{@code dmmRxV}: the same with B read in place, {@code B(p,v) = x[koff[p] + s_v ..]} (tap offsets and the
 *       input offsets of the output vectors);</li>
 *   <li>{@code daccRxV}: the input gradient, {@code sum_p A(r,p) * g[gBase + v*vs + p*L ..]} (g of an image
 *       rearranged as {@code [s][o][L]}) added to {@code dx[dBase + r*ds + s_v ..]}; {@code dacc4x2n} does all the
 *       taps of 4 channels in one call;</li>
 *   <li>{@code dot4x2} / {@code ddot4x2}: the filter gradient's per-lane dot products of g rows with column rows
 *       (packed: {@code g[gBase + r*rs + s*L ..]} and {@code col[cBase + v*rs + s*L ..]}; in place:
 *       {@code g[gBase + s*GR + r*L ..]}, g rearranged as {@code [s][4][L]}, and {@code x[x_v + src[s] ..]}), added
 *       to accumulators loaded from and stored back to {@code acc[accBase + r*accRs + v*L]}: the caller sums them
 *       over lanes once per chunk of images.</li>
 * </ul>
 * Panel and g indices are a loop-invariant base plus the loop counter times a constant, so C2 hoists their range
 * checks out of the loop (see {@link VectorTiles}); the in-place indices keep one check per load.
 */
final class VectorConvTiles {

    /**
     * The preferred species, as every other kernel of the runtime uses. These tiles used 8 lanes where 16 are
     * preferred (the in-place path needs output rows that are whole vectors, and W2's rows are 24 and 8 long), but
     * two species in one JVM break C2's Vector API intrinsics: the shared code of {@code FloatVector} (its
     * {@code intoArray}, for one) then sees both vector classes in its type profile, C2 no longer knows the vector
     * class at the intrinsic, and compiles the Java fallback, which allocates a box and an array per vector
     * operation. On an AVX-512 machine (JDK 17) W2 trained at 4,958-5,433 samples/s that way and at 16,177-18,739
     * with one species (docs/benchmarks.md), and the allocation tests failed. A 16-lane step leaves W2's rows to the
     * packed path.
     */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Row length of the packed panels: the width of the main tile. */
    static final int TW = 2 * L;
    /** Floats per step of the g rows of a 4-row in-place dot-product tile, packed {@code [s][4][L]}. */
    static final int GR = 4 * L;

    private VectorConvTiles() {
    }

    /** 4 x 2 tile, B from a packed panel; see the class comment. */
    static void mm4x2(float[] a, int aBase, int n, float[] b, int bBase,
            float b0, float b1, float b2, float b3, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, b1);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, b2);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, b3);
        FloatVector c31 = c30;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, b, bBase + p * TW);
            FloatVector v1 = FloatVector.fromArray(S, b, bBase + p * TW + L);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c01).intoArray(d, dBase + L);
            relu(c10).intoArray(d, dBase + ds);
            relu(c11).intoArray(d, dBase + ds + L);
            relu(c20).intoArray(d, dBase + 2 * ds);
            relu(c21).intoArray(d, dBase + 2 * ds + L);
            relu(c30).intoArray(d, dBase + 3 * ds);
            relu(c31).intoArray(d, dBase + 3 * ds + L);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c01).intoArray(d, dBase + L);
            EXACT.cast(c10).intoArray(d, dBase + ds);
            EXACT.cast(c11).intoArray(d, dBase + ds + L);
            EXACT.cast(c20).intoArray(d, dBase + 2 * ds);
            EXACT.cast(c21).intoArray(d, dBase + 2 * ds + L);
            EXACT.cast(c30).intoArray(d, dBase + 3 * ds);
            EXACT.cast(c31).intoArray(d, dBase + 3 * ds + L);
        }
    }

    /** 4 x 1 tile, B from a packed panel; see the class comment. */
    static void mm4x1(float[] a, int aBase, int n, float[] b, int bBase,
            float b0, float b1, float b2, float b3, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c10 = FloatVector.broadcast(S, b1);
        FloatVector c20 = FloatVector.broadcast(S, b2);
        FloatVector c30 = FloatVector.broadcast(S, b3);
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, b, bBase + p * TW);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c10).intoArray(d, dBase + ds);
            relu(c20).intoArray(d, dBase + 2 * ds);
            relu(c30).intoArray(d, dBase + 3 * ds);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c10).intoArray(d, dBase + ds);
            EXACT.cast(c20).intoArray(d, dBase + 2 * ds);
            EXACT.cast(c30).intoArray(d, dBase + 3 * ds);
        }
    }

    /** 1 x 2 tile, B from a packed panel; see the class comment. */
    static void mm1x2(float[] a, int aBase, int n, float[] b, int bBase,
            float b0, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c01 = c00;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, b, bBase + p * TW);
            FloatVector v1 = FloatVector.fromArray(S, b, bBase + p * TW + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c01).intoArray(d, dBase + L);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c01).intoArray(d, dBase + L);
        }
    }

    /** 1 x 1 tile, B from a packed panel; see the class comment. */
    static void mm1x1(float[] a, int aBase, int n, float[] b, int bBase,
            float b0, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, b, bBase + p * TW);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
        }
    }

    /** 4 x 2 tile, B from a x read in place; see the class comment. */
    static void dmm4x2(float[] a, int aBase, int n, int[] koff, float[] x, int s0, int s1,
            float b0, float b1, float b2, float b3, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, b1);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, b2);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, b3);
        FloatVector c31 = c30;
        for (int p = 0; p < n; p++) {
            int kx = koff[p];
            FloatVector v0 = FloatVector.fromArray(S, x, kx + s0);
            FloatVector v1 = FloatVector.fromArray(S, x, kx + s1);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c01).intoArray(d, dBase + L);
            relu(c10).intoArray(d, dBase + ds);
            relu(c11).intoArray(d, dBase + ds + L);
            relu(c20).intoArray(d, dBase + 2 * ds);
            relu(c21).intoArray(d, dBase + 2 * ds + L);
            relu(c30).intoArray(d, dBase + 3 * ds);
            relu(c31).intoArray(d, dBase + 3 * ds + L);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c01).intoArray(d, dBase + L);
            EXACT.cast(c10).intoArray(d, dBase + ds);
            EXACT.cast(c11).intoArray(d, dBase + ds + L);
            EXACT.cast(c20).intoArray(d, dBase + 2 * ds);
            EXACT.cast(c21).intoArray(d, dBase + 2 * ds + L);
            EXACT.cast(c30).intoArray(d, dBase + 3 * ds);
            EXACT.cast(c31).intoArray(d, dBase + 3 * ds + L);
        }
    }

    /** 4 x 1 tile, B from a x read in place; see the class comment. */
    static void dmm4x1(float[] a, int aBase, int n, int[] koff, float[] x, int s0,
            float b0, float b1, float b2, float b3, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c10 = FloatVector.broadcast(S, b1);
        FloatVector c20 = FloatVector.broadcast(S, b2);
        FloatVector c30 = FloatVector.broadcast(S, b3);
        for (int p = 0; p < n; p++) {
            int kx = koff[p];
            FloatVector v0 = FloatVector.fromArray(S, x, kx + s0);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c10).intoArray(d, dBase + ds);
            relu(c20).intoArray(d, dBase + 2 * ds);
            relu(c30).intoArray(d, dBase + 3 * ds);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c10).intoArray(d, dBase + ds);
            EXACT.cast(c20).intoArray(d, dBase + 2 * ds);
            EXACT.cast(c30).intoArray(d, dBase + 3 * ds);
        }
    }

    /** 1 x 2 tile, B from a x read in place; see the class comment. */
    static void dmm1x2(float[] a, int aBase, int n, int[] koff, float[] x, int s0, int s1,
            float b0, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        FloatVector c01 = c00;
        for (int p = 0; p < n; p++) {
            int kx = koff[p];
            FloatVector v0 = FloatVector.fromArray(S, x, kx + s0);
            FloatVector v1 = FloatVector.fromArray(S, x, kx + s1);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
            relu(c01).intoArray(d, dBase + L);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
            EXACT.cast(c01).intoArray(d, dBase + L);
        }
    }

    /** 1 x 1 tile, B from a x read in place; see the class comment. */
    static void dmm1x1(float[] a, int aBase, int n, int[] koff, float[] x, int s0,
            float b0, boolean relu, float[] d, int dBase, int ds) {
        FloatVector c00 = FloatVector.broadcast(S, b0);
        for (int p = 0; p < n; p++) {
            int kx = koff[p];
            FloatVector v0 = FloatVector.fromArray(S, x, kx + s0);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
        }
        if (relu) {
            relu(c00).intoArray(d, dBase);
        } else {
            EXACT.cast(c00).intoArray(d, dBase);
        }
    }

    /** 4 x 2 tile of the input gradient, added into dx in place; see the class comment. */
    static void dacc4x2(float[] a, int aBase, int n, float[] g, int gBase, int vs,
            float[] dx, int dBase, int ds, int s0, int s1) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c01 = z;
        FloatVector c10 = z;
        FloatVector c11 = z;
        FloatVector c20 = z;
        FloatVector c21 = z;
        FloatVector c30 = z;
        FloatVector c31 = z;
        int g1 = gBase + vs;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, g, gBase + p * L);
            FloatVector v1 = FloatVector.fromArray(S, g, g1 + p * L);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        FloatVector.fromArray(S, dx, dBase + s0).add(c00).intoArray(dx, dBase + s0);
        FloatVector.fromArray(S, dx, dBase + s1).add(c01).intoArray(dx, dBase + s1);
        FloatVector.fromArray(S, dx, dBase + ds + s0).add(c10).intoArray(dx, dBase + ds + s0);
        FloatVector.fromArray(S, dx, dBase + ds + s1).add(c11).intoArray(dx, dBase + ds + s1);
        FloatVector.fromArray(S, dx, dBase + 2 * ds + s0).add(c20).intoArray(dx, dBase + 2 * ds + s0);
        FloatVector.fromArray(S, dx, dBase + 2 * ds + s1).add(c21).intoArray(dx, dBase + 2 * ds + s1);
        FloatVector.fromArray(S, dx, dBase + 3 * ds + s0).add(c30).intoArray(dx, dBase + 3 * ds + s0);
        FloatVector.fromArray(S, dx, dBase + 3 * ds + s1).add(c31).intoArray(dx, dBase + 3 * ds + s1);
    }

    /** 4 x 1 tile of the input gradient, added into dx in place; see the class comment. */
    static void dacc4x1(float[] a, int aBase, int n, float[] g, int gBase, int vs,
            float[] dx, int dBase, int ds, int s0) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, g, gBase + p * L);
            int q = aBase + 4 * p;
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(v0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(v0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(v0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(v0, c30);
        }
        FloatVector.fromArray(S, dx, dBase + s0).add(c00).intoArray(dx, dBase + s0);
        FloatVector.fromArray(S, dx, dBase + ds + s0).add(c10).intoArray(dx, dBase + ds + s0);
        FloatVector.fromArray(S, dx, dBase + 2 * ds + s0).add(c20).intoArray(dx, dBase + 2 * ds + s0);
        FloatVector.fromArray(S, dx, dBase + 3 * ds + s0).add(c30).intoArray(dx, dBase + 3 * ds + s0);
    }

    /** 1 x 2 tile of the input gradient, added into dx in place; see the class comment. */
    static void dacc1x2(float[] a, int aBase, int n, float[] g, int gBase, int vs,
            float[] dx, int dBase, int ds, int s0, int s1) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c01 = z;
        int g1 = gBase + vs;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, g, gBase + p * L);
            FloatVector v1 = FloatVector.fromArray(S, g, g1 + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
        }
        FloatVector.fromArray(S, dx, dBase + s0).add(c00).intoArray(dx, dBase + s0);
        FloatVector.fromArray(S, dx, dBase + s1).add(c01).intoArray(dx, dBase + s1);
    }

    /** 1 x 1 tile of the input gradient, added into dx in place; see the class comment. */
    static void dacc1x1(float[] a, int aBase, int n, float[] g, int gBase, int vs,
            float[] dx, int dBase, int ds, int s0) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        for (int p = 0; p < n; p++) {
            FloatVector v0 = FloatVector.fromArray(S, g, gBase + p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(v0, c00);
        }
        FloatVector.fromArray(S, dx, dBase + s0).add(c00).intoArray(dx, dBase + s0);
    }

    /**
     * {@link #dacc4x2} over all {@code taps} taps of 4 input channels: tap t reads A at
     * {@code aBase + t*aTap + 4p + r} and adds into dx at {@code dBase + toff[t] + r*ds + s_v}. One call per pair
     * of output vectors and 4 channels instead of one per tap.
     */
    static void dacc4x2n(float[] a, int aBase, int aTap, int n, float[] g, int gBase, int vs, float[] dx,
            int dBase, int ds, int[] toff, int taps, int s0, int s1) {
        FloatVector z = FloatVector.zero(S);
        int g1 = gBase + vs;
        for (int t = 0; t < taps; t++) {
            FloatVector c00 = z;
            FloatVector c01 = z;
            FloatVector c10 = z;
            FloatVector c11 = z;
            FloatVector c20 = z;
            FloatVector c21 = z;
            FloatVector c30 = z;
            FloatVector c31 = z;
            int at = aBase + t * aTap;
            for (int p = 0; p < n; p++) {
                FloatVector v0 = FloatVector.fromArray(S, g, gBase + p * L);
                FloatVector v1 = FloatVector.fromArray(S, g, g1 + p * L);
                int q = at + 4 * p;
                FloatVector a0 = FloatVector.broadcast(S, a[q]);
                c00 = a0.fma(v0, c00);
                c01 = a0.fma(v1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
                c10 = a1.fma(v0, c10);
                c11 = a1.fma(v1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
                c20 = a2.fma(v0, c20);
                c21 = a2.fma(v1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
                c30 = a3.fma(v0, c30);
                c31 = a3.fma(v1, c31);
            }
            int d = dBase + toff[t];
            FloatVector.fromArray(S, dx, d + s0).add(c00).intoArray(dx, d + s0);
            FloatVector.fromArray(S, dx, d + s1).add(c01).intoArray(dx, d + s1);
            FloatVector.fromArray(S, dx, d + ds + s0).add(c10).intoArray(dx, d + ds + s0);
            FloatVector.fromArray(S, dx, d + ds + s1).add(c11).intoArray(dx, d + ds + s1);
            FloatVector.fromArray(S, dx, d + 2 * ds + s0).add(c20).intoArray(dx, d + 2 * ds + s0);
            FloatVector.fromArray(S, dx, d + 2 * ds + s1).add(c21).intoArray(dx, d + 2 * ds + s1);
            FloatVector.fromArray(S, dx, d + 3 * ds + s0).add(c30).intoArray(dx, d + 3 * ds + s0);
            FloatVector.fromArray(S, dx, d + 3 * ds + s1).add(c31).intoArray(dx, d + 3 * ds + s1);
        }
    }

    /** 4 g rows x 2 column rows of dot products, packed column rows; see the class comment. */
    static void dot4x2(float[] g, int gBase, int rs, float[] col, int cBase, int steps,
            float[] acc, int accBase, int accRs) {
        FloatVector c00 = FloatVector.fromArray(S, acc, accBase);
        FloatVector c01 = FloatVector.fromArray(S, acc, accBase + L);
        FloatVector c10 = FloatVector.fromArray(S, acc, accBase + accRs);
        FloatVector c11 = FloatVector.fromArray(S, acc, accBase + accRs + L);
        FloatVector c20 = FloatVector.fromArray(S, acc, accBase + 2 * accRs);
        FloatVector c21 = FloatVector.fromArray(S, acc, accBase + 2 * accRs + L);
        FloatVector c30 = FloatVector.fromArray(S, acc, accBase + 3 * accRs);
        FloatVector c31 = FloatVector.fromArray(S, acc, accBase + 3 * accRs + L);
        for (int s = 0; s < steps; s++) {
            int t = s * L;
            FloatVector y0 = FloatVector.fromArray(S, col, cBase + t);
            FloatVector y1 = FloatVector.fromArray(S, col, cBase + rs + t);
            FloatVector e0 = FloatVector.fromArray(S, g, gBase + s * L);
            c00 = e0.fma(y0, c00);
            c01 = e0.fma(y1, c01);
            FloatVector e1 = FloatVector.fromArray(S, g, gBase + rs + s * L);
            c10 = e1.fma(y0, c10);
            c11 = e1.fma(y1, c11);
            FloatVector e2 = FloatVector.fromArray(S, g, gBase + 2 * rs + s * L);
            c20 = e2.fma(y0, c20);
            c21 = e2.fma(y1, c21);
            FloatVector e3 = FloatVector.fromArray(S, g, gBase + 3 * rs + s * L);
            c30 = e3.fma(y0, c30);
            c31 = e3.fma(y1, c31);
        }
        EXACT.cast(c00).intoArray(acc, accBase);
        EXACT.cast(c01).intoArray(acc, accBase + L);
        EXACT.cast(c10).intoArray(acc, accBase + accRs);
        EXACT.cast(c11).intoArray(acc, accBase + accRs + L);
        EXACT.cast(c20).intoArray(acc, accBase + 2 * accRs);
        EXACT.cast(c21).intoArray(acc, accBase + 2 * accRs + L);
        EXACT.cast(c30).intoArray(acc, accBase + 3 * accRs);
        EXACT.cast(c31).intoArray(acc, accBase + 3 * accRs + L);
    }

    /** 4 g rows x 2 column rows of dot products, x read in place; see the class comment. */
    static void ddot4x2(float[] g, int gBase, float[] x, int x0, int x1, int[] src, int steps,
            float[] acc, int accBase, int accRs) {
        FloatVector c00 = FloatVector.fromArray(S, acc, accBase);
        FloatVector c01 = FloatVector.fromArray(S, acc, accBase + L);
        FloatVector c10 = FloatVector.fromArray(S, acc, accBase + accRs);
        FloatVector c11 = FloatVector.fromArray(S, acc, accBase + accRs + L);
        FloatVector c20 = FloatVector.fromArray(S, acc, accBase + 2 * accRs);
        FloatVector c21 = FloatVector.fromArray(S, acc, accBase + 2 * accRs + L);
        FloatVector c30 = FloatVector.fromArray(S, acc, accBase + 3 * accRs);
        FloatVector c31 = FloatVector.fromArray(S, acc, accBase + 3 * accRs + L);
        for (int s = 0; s < steps; s++) {
            int at = src[s];
            FloatVector y0 = FloatVector.fromArray(S, x, x0 + at);
            FloatVector y1 = FloatVector.fromArray(S, x, x1 + at);
            FloatVector e0 = FloatVector.fromArray(S, g, gBase + s * GR);
            c00 = e0.fma(y0, c00);
            c01 = e0.fma(y1, c01);
            FloatVector e1 = FloatVector.fromArray(S, g, gBase + s * GR + L);
            c10 = e1.fma(y0, c10);
            c11 = e1.fma(y1, c11);
            FloatVector e2 = FloatVector.fromArray(S, g, gBase + s * GR + 2 * L);
            c20 = e2.fma(y0, c20);
            c21 = e2.fma(y1, c21);
            FloatVector e3 = FloatVector.fromArray(S, g, gBase + s * GR + 3 * L);
            c30 = e3.fma(y0, c30);
            c31 = e3.fma(y1, c31);
        }
        EXACT.cast(c00).intoArray(acc, accBase);
        EXACT.cast(c01).intoArray(acc, accBase + L);
        EXACT.cast(c10).intoArray(acc, accBase + accRs);
        EXACT.cast(c11).intoArray(acc, accBase + accRs + L);
        EXACT.cast(c20).intoArray(acc, accBase + 2 * accRs);
        EXACT.cast(c21).intoArray(acc, accBase + 2 * accRs + L);
        EXACT.cast(c30).intoArray(acc, accBase + 3 * accRs);
        EXACT.cast(c31).intoArray(acc, accBase + 3 * accRs + L);
    }

    /**
     * ReLU as a compare and a blend: negative lanes become +0, NaN and -0 pass through (two instructions; the
     * Java semantics of {@code max(v, 0)} take five on AVX2).
     */
    static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LT, 0f));
    }
}
