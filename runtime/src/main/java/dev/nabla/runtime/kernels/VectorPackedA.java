package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * op(A) packed in row tiles for {@link TwoVectorTiles}' 4-row kernels: row tile {@code t} holds {@code A(4t + r, p)}
 * at {@code 4t*k + 4p + r}, the four values one step broadcasts side by side; the {@code m % 4} rows after the last
 * tile follow as plain rows, {@code A(i, p)} at {@code i*k + p}. Either way row {@code i}'s data starts at {@code i*k}.
 * {@code VectorGemm} packs A this way once per product, in shares of row tiles over its threads.
 *
 * <p><b>Eight floats at a time where vectors hold eight.</b> Packing is a transposition of 4-float pieces; done one
 * float at a time, packing A and B had about 9% of a W1 training step's JFR samples on one thread. With 8-lane
 * vectors:
 * <ul>
 * <li>a plain A (a forward product's input, {@code [m, k]}): eight steps of a row tile are a 4 x 8 transposition of
 * one vector from each of its four rows: 53 µs against 75 for W1's input, 128 x 784. Three rounds of swaps (of
 * lanes, pairs, halves) and blends take 12 permutes per 32 floats, where two rounds of spreading values and pairs
 * apart took 16: 0.80-0.91 of the time, at 128 x 784, 128 x 128, 128 x 256 and 64 x 512 (alone, alternating in
 * one JVM, 2026-12-02 07:58 UTC);</li>
 * <li>a transposed A (a weight gradient's {@code Xᵀ}, A = X is {@code [k, m]}): row p of X holds step p of every row
 * of op(A), four per tile side by side, so one vector of row p holds step p of two tiles; with the vector of row p+1
 * beside it, one swap of halves and two blends give two tiles' steps p and p+1: 46 µs against 130 for W1's
 * {@code xᵀ}, 784 x 128.</li>
 * </ul>
 * (Alone, alternating in one JVM, 2026-12-02. In a product's packing phase, W1's weight gradient on one thread: 83-88
 * µs against 52-58; whole products moved by a few per cent at most, docs/benchmarks.md.) Only single-input
 * {@code rearrange} and {@code blend}: JDK 17 compiles both to one instruction each, but not the two-input
 * {@code rearrange(shuffle, v)}, which ran eight times slower and allocated. The results are the same floats in the same places, whichever way they moved.
 */
final class VectorPackedA {

    /** Rows of a tile: the layout is {@link TwoVectorTiles}', whatever main tile this machine uses. */
    private static final int ROWS = 4;

    /** Whether the transpositions below apply: they are written for 8 lanes (AVX2). */
    private static final boolean EIGHT = L == 8;
    /** Neighbouring lanes exchanged, then neighbouring pairs, then the two 4-lane halves. */
    private static final VectorShuffle<Float> SWAP_LANES = shuffle(1, 0, 3, 2, 5, 4, 7, 6);
    private static final VectorShuffle<Float> SWAP_PAIRS = shuffle(2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Float> SWAP_HALVES = shuffle(4, 5, 6, 7, 0, 1, 2, 3);
    private static final VectorMask<Float> ODD = mask(false, true, false, true, false, true, false, true);
    private static final VectorMask<Float> ODD_PAIRS = mask(false, false, true, true, false, false, true, true);
    private static final VectorMask<Float> UPPER = mask(false, false, false, false, true, true, true, true);

    private VectorPackedA() {
    }

    private static VectorShuffle<Float> shuffle(int... lanes) {
        return EIGHT ? VectorShuffle.fromValues(S, lanes) : null;
    }

    private static VectorMask<Float> mask(boolean... lanes) {
        return EIGHT ? VectorMask.fromValues(S, lanes) : null;
    }

    /**
     * Rows {@code [i0, i1)} of op(A) (A at {@code a[aOff..]}: {@code [m, k]}, or {@code [k, m]} when {@code transA})
     * into {@code dst}; {@code i0} is a multiple of 4.
     */
    static void pack(float[] a, int aOff, boolean transA, int m, int k, int i0, int i1, float[] dst) {
        int tiled = Math.min(i1, m / ROWS * ROWS);
        if (transA) {
            transposed(a, aOff, m, k, i0, i1, tiled, dst);
        } else {
            plain(a, aOff, k, i0, i1, tiled, dst);
        }
    }

    /** A is {@code [k, m]}: its row p holds step p of every row of op(A), four of them side by side per tile. */
    private static void transposed(float[] a, int aOff, int m, int k, int i0, int i1, int tiled, float[] dst) {
        // pairs of tiles in pairs of steps: the vectors of rows p and p+1 of A at column i hold steps p and p+1 of
        // tiles i/4 and i/4 + 1, each tile's two steps one vector of dst
        int pairsEnd = EIGHT ? i0 + (tiled - i0) / 8 * 8 : i0;
        int p = 0;
        for (; pairsEnd > i0 && p + 2 <= k; p += 2) {
            int src = aOff + p * m;
            for (int i = i0; i < pairsEnd; i += 8) {
                FloatVector here = FloatVector.fromArray(S, a, src + i);
                FloatVector next = FloatVector.fromArray(S, a, src + m + i);
                here.blend(next.rearrange(SWAP_HALVES), UPPER).intoArray(dst, i * k + 4 * p);
                here.rearrange(SWAP_HALVES).blend(next, UPPER).intoArray(dst, (i + 4) * k + 4 * p);
            }
        }
        // the last step when k is odd, for those tiles; every step for the tiles and rows after them
        for (int q = 0; q < k; q++) {
            int src = aOff + q * m;
            for (int i = q < p ? pairsEnd : i0; i < tiled; i += ROWS) {
                int to = i * k + 4 * q;
                dst[to] = a[src + i];
                dst[to + 1] = a[src + i + 1];
                dst[to + 2] = a[src + i + 2];
                dst[to + 3] = a[src + i + 3];
            }
            for (int i = Math.max(i0, tiled); i < i1; i++) {
                dst[i * k + q] = a[src + i];
            }
        }
    }

    /** A is {@code [m, k]}: a row tile's four rows are read side by side. */
    private static void plain(float[] a, int aOff, int k, int i0, int i1, int tiled, float[] dst) {
        int vectorSteps = EIGHT ? k / 8 * 8 : 0;
        for (int i = i0; i < tiled; i += ROWS) {
            int src = aOff + i * k;
            int to = i * k;
            int p = 0;
            for (; p < vectorSteps; p += 8) {
                // a 4 x 8 transposition in three rounds of swaps and blends, each round doubling the run of one
                // step's values: rows 0 and 1 interleaved (x: their even steps, y: their odd ones), rows 2 and 3
                // likewise (z, w); then pairs, giving one step's four values per half (steps 0|4, 2|6, 1|5, 3|7);
                // then halves
                FloatVector r0 = FloatVector.fromArray(S, a, src + p);
                FloatVector r1 = FloatVector.fromArray(S, a, src + k + p);
                FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * k + p);
                FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * k + p);
                FloatVector x = r0.blend(r1.rearrange(SWAP_LANES), ODD);
                FloatVector y = r0.rearrange(SWAP_LANES).blend(r1, ODD);
                FloatVector z = r2.blend(r3.rearrange(SWAP_LANES), ODD);
                FloatVector w = r2.rearrange(SWAP_LANES).blend(r3, ODD);
                FloatVector s04 = x.blend(z.rearrange(SWAP_PAIRS), ODD_PAIRS);
                FloatVector s26 = x.rearrange(SWAP_PAIRS).blend(z, ODD_PAIRS);
                FloatVector s15 = y.blend(w.rearrange(SWAP_PAIRS), ODD_PAIRS);
                FloatVector s37 = y.rearrange(SWAP_PAIRS).blend(w, ODD_PAIRS);
                s04.blend(s15.rearrange(SWAP_HALVES), UPPER).intoArray(dst, to + 4 * p);
                s26.blend(s37.rearrange(SWAP_HALVES), UPPER).intoArray(dst, to + 4 * p + 8);
                s04.rearrange(SWAP_HALVES).blend(s15, UPPER).intoArray(dst, to + 4 * p + 16);
                s26.rearrange(SWAP_HALVES).blend(s37, UPPER).intoArray(dst, to + 4 * p + 24);
            }
            for (; p < k; p++) {
                dst[to + 4 * p] = a[src + p];
                dst[to + 4 * p + 1] = a[src + k + p];
                dst[to + 4 * p + 2] = a[src + 2 * k + p];
                dst[to + 4 * p + 3] = a[src + 3 * k + p];
            }
        }
        int rest = Math.max(i0, tiled);
        System.arraycopy(a, aOff + rest * k, dst, rest * k, (i1 - rest) * k);
    }
}
