package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.W;

/**
 * The layout of a B packed once for {@link VectorGemm} (a frozen weight matrix, {@link PackedWeights}): one array per
 * full panel of W columns and per strip of L columns, each exactly what {@link VectorGemm} copies per call into its
 * scratch panel (row p at {@code p * W}, or {@code p * L} for a strip, zero beyond n), so the tiles, blocked in k or
 * not, read the same floats and give the same results to the bit.
 */
final class VectorPackedB {

    private VectorPackedB() {
    }

    /** Full panels, then strips. */
    static float[][] pack(float[] b, int bOff, boolean transB, int k, int n) {
        int full = n / W;
        int strips = (n - full * W + L - 1) / L;
        float[][] packed = new float[full + strips][];
        for (int q = 0; q < full; q++) {
            packed[q] = new float[k * W];
            VectorGemm.packPanel(b, bOff, transB, k, n, q * W, W, packed[q], W);
        }
        for (int s = 0; s < strips; s++) {
            int j = full * W + s * L;
            packed[full + s] = new float[k * L];
            VectorGemm.packPanel(b, bOff, transB, k, n, j, Math.min(L, n - j), packed[full + s], L);
        }
        return packed;
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
