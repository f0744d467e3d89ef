package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.ROWS;
import static dev.nabla.runtime.kernels.VectorTiles.VECTORS;
import static dev.nabla.runtime.kernels.VectorTiles.W;

/**
 * The layout of a B packed once for {@link VectorGemm} (a frozen weight matrix, {@link PackedWeights}), and the loop
 * that reads its full panels in blocks of k.
 *
 * <p>Layout: one array per full panel of W columns and per strip of L columns, each exactly what
 * {@link VectorGemm} copies per call (row p at {@code p * W}, or {@code p * L} for a strip), so the tiles read the
 * same floats. With the 2-vector (AVX2) tiles and k above {@link #KC}, a full panel is cut into {@link #kBlocks} arrays
 * of about equal depth: the panel of W1's first layer (784 x 16 floats, 50 KB) does not fit a 32 KB L1 cache, so every
 * row tile streamed it from L2 again; a block of at most KC rows (16 KB) stays in L1 across all the row tiles of the
 * part, which is how BLIS and OpenBLAS block their kernels. A block's tiles start from the sums the previous block
 * left in C ({@link TwoVectorTiles#tile4x2Acc}), so each element is the same chain of fmas in order of p as without
 * blocks, to the bit; bias and activation are applied to C in place after the last block.
 */
final class VectorPackedB {

    /** Deepest k-block: KC x W floats of B (16 KB for W = 16) plus ROWS x KC of A fit a 32 KB L1 data cache. */
    static final int KC = 256;

    private VectorPackedB() {
    }

    /** k-blocks per full panel: more than one only for the 2-vector tiles (the 6 x 4 one has no accumulating variant). */
    static int kBlocks(int k) {
        return VECTORS == 2 && k > KC ? (k + KC - 1) / KC : 1;
    }

    /** First row p of k-block {@code kb} of {@code blocks} (and, for kb = blocks, k): blocks of about equal depth. */
    static int kStart(int kb, int blocks, int k) {
        return (int) ((long) kb * k / blocks);
    }

    /** Full panels, then strips: see the class comment. */
    static float[][] pack(float[] b, int bOff, boolean transB, int k, int n) {
        int full = n / W;
        int strips = (n - full * W + L - 1) / L;
        int blocks = kBlocks(k);
        float[][] packed = new float[full * blocks + strips][];
        for (int q = 0; q < full; q++) {
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = kStart(kb, blocks, k);
                int depth = kStart(kb + 1, blocks, k) - p0;
                float[] panel = new float[depth * W];
                // rows p0.. of op(B): B[k,n] from row p0, or Bᵀ from column p0 (B[n,k] with k as its row stride)
                if (transB) {
                    for (int jj = 0; jj < W; jj++) {
                        for (int p = 0; p < depth; p++) {
                            panel[p * W + jj] = b[bOff + (q * W + jj) * k + p0 + p];
                        }
                    }
                } else {
                    for (int p = 0; p < depth; p++) {
                        System.arraycopy(b, bOff + (p0 + p) * n + q * W, panel, p * W, W);
                    }
                }
                packed[q * blocks + kb] = panel;
            }
        }
        for (int s = 0; s < strips; s++) {
            int j = full * W + s * L;
            float[] strip = new float[k * L];
            VectorGemm.pack(b, bOff, transB, k, n, j, Math.min(L, n - j), strip, L);
            packed[full * blocks + s] = strip;
        }
        return packed;
    }

    /** The array holding column {@code j} (its first k-block, for a full panel). */
    static int index(int j, int n, int k) {
        int full = n / W;
        return j < full * W ? j / W * kBlocks(k) : full * kBlocks(k) + (j - full * W) / L;
    }

    /**
     * Whether {@link VectorGemm} can read {@code call}'s packed B: always without k-blocks; with them, only where
     * {@link #rowsInBlocks} applies (the product with a plain A and no accumulation onto C, as inference's are).
     */
    static boolean readable(GemmCall call) {
        return kBlocks(call.k) == 1 || (!call.transA && !call.accumulate);
    }

    /** Rows {@code [i0, i1)} of the full panel at column {@code j}, k-block by k-block, into C; then the epilogue. */
    static void rowsInBlocks(GemmCall call, int i0, int i1, int j, float[][] packed) {
        int k = call.k;
        int n = call.n;
        int blocks = kBlocks(k);
        int first = index(j, n, k);
        for (int kb = 0; kb < blocks; kb++) {
            int p0 = kStart(kb, blocks, k);
            int depth = kStart(kb + 1, blocks, k) - p0;
            float[] b = packed[first + kb];
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS) {
                int aBase = call.aOff + i * k + p0;
                int dBase = call.cOff + i * n + j;
                if (kb == 0) {
                    TwoVectorTiles.tile4x2(call.a, aBase, k, b, depth, call.c, dBase, n);
                } else {
                    TwoVectorTiles.tile4x2Acc(call.a, aBase, k, b, depth, call.c, dBase, n);
                }
            }
            for (; i < i1; i++) {
                int aBase = call.aOff + i * k + p0;
                int dBase = call.cOff + i * n + j;
                if (kb == 0) {
                    TwoVectorTiles.tile1x2(call.a, aBase, b, depth, call.c, dBase);
                } else {
                    TwoVectorTiles.tile1x2Acc(call.a, aBase, b, depth, call.c, dBase);
                }
            }
        }
        int mode = VectorEpilogue.mode(call);
        if (mode != 0) {
            // C holds the plain sums: act(sum + bias) in place, the operations the scratch-tile path applies
            VectorEpilogue.finish(call.c, call.cOff + i0 * n + j, n, i1 - i0, W, call, i0, j, mode);
        }
    }
}
