package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;
import static dev.nabla.runtime.kernels.VectorTiles.W;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The layout of a B packed for {@link VectorGemm}, once for good (a frozen weight matrix, {@link PackedWeights}) or
 * once per product ({@link #packRows}): one array per full panel of W columns and per strip of L columns, each
 * exactly what {@link VectorGemm} copies per part into its scratch panel (row p at {@code p * W}, or {@code p * L} for
 * a strip, zero beyond n), so the tiles, blocked in k or not, read the same floats and give the same results to the
 * bit.
 */
final class VectorPackedB {

    private VectorPackedB() {
    }

    /** Full panels, then strips. */
    static float[][] pack(float[] b, int bOff, boolean transB, int k, int n) {
        int full = n / W;
        float[][] packed = new float[arrays(n)][];
        for (int q = 0; q < full; q++) {
            packed[q] = new float[k * W];
            VectorGemm.packPanel(b, bOff, transB, k, n, q * W, W, packed[q], W);
        }
        for (int s = full; s < packed.length; s++) {
            int j = full * W + (s - full) * L;
            packed[s] = new float[k * L];
            VectorGemm.packPanel(b, bOff, transB, k, n, j, Math.min(L, n - j), packed[s], L);
        }
        return packed;
    }

    /** How many arrays the layout has for {@code n} columns: the full panels, then the strips. */
    static int arrays(int n) {
        int full = n / W;
        return full + (n - full * W + L - 1) / L;
    }

    /**
     * Rows {@code [p0, p1)} of a plain {@code B[k, n]} into every panel and strip of {@code packed} (arrays at least as
     * long as this layout's), each row of B read from start to end: the same floats {@link #pack} gives them. A
     * product packs its B this way once, in shares of rows over its threads (see {@code VectorGemm.prepare}). A panel's
     * slice of a row moves as whole vectors: {@code System.arraycopy} of 16 floats is a call with its own checks, and
     * packing W1's first-layer weights (784 x 256, freshly written) took 78-120 µs that way against 44-50 with vectors
     * (one thread, alternating in one JVM).
     */
    static void packRows(float[] b, int bOff, int n, int p0, int p1, float[][] packed) {
        int full = n / W;
        for (int p = p0; p < p1; p++) {
            int from = bOff + p * n;
            for (int q = 0; q < full; q++) {
                float[] panel = packed[q];
                for (int v = 0; v < W; v += L) {
                    FloatVector.fromArray(S, b, from + q * W + v).intoArray(panel, p * W + v);
                }
            }
            for (int j = full * W, s = full; j < n; j += L, s++) {
                int w = Math.min(L, n - j);
                System.arraycopy(b, from + j, packed[s], p * L, w);
                Arrays.fill(packed[s], p * L + w, p * L + L, 0f);
            }
        }
    }

    /**
     * The array holding column {@code j}, the start of a panel or strip. {@link Gemm#split} cuts columns at multiples of
     * W, so every part walks the same panels and strips as the whole product.
     */
    static int index(int j, int n) {
        int full = n / W;
        return j < full * W ? j / W : full + (j - full * W) / L;
    }
}
