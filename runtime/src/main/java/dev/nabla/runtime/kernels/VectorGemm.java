package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.ROWS;
import static dev.nabla.runtime.kernels.VectorTiles.W;

import java.util.Arrays;

/**
 * Vector API matrix product (loaded only when {@code jdk.incubator.vector} is present). C is walked in
 * column panels of {@link VectorTiles#W} floats, then strips of one vector, then the last {@code n % L}
 * columns; within each, in tiles of {@link VectorTiles#ROWS} rows, then single rows. A and B are read in
 * place; only a transposed B and the last partial strip are copied, into a per-thread panel, so no masked or
 * out-of-bounds access is ever needed. Tiles go straight into C when there is no epilogue, else through a
 * scratch tile and {@link VectorEpilogue}. A single row (batch-1 inference) takes {@link VectorMatVec}.
 */
final class VectorGemm implements GemmKernel {

    static final VectorGemm INSTANCE = new VectorGemm();

    private VectorGemm() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int columnAlign() {
        return W;
    }

    @Override
    public int rowAlign() {
        return ROWS;
    }

    @Override
    public void compute(GemmCall call, int i0, int i1, int j0, int j1) {
        if (call.m == 1) {
            if (call.transB) {
                VectorMatVec.dots(call, j0, j1);
            } else {
                VectorMatVec.gemv(call, j0, j1);
            }
            return;
        }
        Scratch scratch = Scratch.current();
        float[] tile = scratch.tile(ROWS * W);
        int j = j0;
        for (; j + W <= j1; j += W) {
            columns(call, i0, i1, j, W, scratch, tile);
        }
        for (; j < j1; j += L) {
            columns(call, i0, i1, j, Math.min(L, j1 - j), scratch, tile);
        }
    }

    /** Columns {@code [j, j+w)} of C, where {@code w} is W (a panel) or at most L (a strip). */
    private static void columns(GemmCall call, int i0, int i1, int j, int w, Scratch scratch, float[] tile) {
        if (!call.transB && (w == W || w == L)) {
            rows(call, i0, i1, j, w, call.b, call.bOff + j, call.n, tile);
            return;
        }
        int stride = w == W ? W : L;
        float[] panel = scratch.panel(call.k * stride);
        pack(call, j, w, panel, stride);
        rows(call, i0, i1, j, w, panel, 0, stride, tile);
    }

    private static void rows(GemmCall call, int i0, int i1, int j, int w, float[] b, int bBase, int bStride,
                             float[] tile) {
        int mode = VectorEpilogue.mode(call);
        boolean direct = mode == 0 && (w == W || w == L);
        boolean wide = w > L;
        int ars = call.transA ? 1 : call.k;
        int acs = call.transA ? call.m : 1;
        int n = call.n;
        int k = call.k;
        float[] a = call.a;
        int i = i0;
        for (; i + ROWS <= i1; i += ROWS) {
            float[] d = direct ? call.c : tile;
            int dBase = direct ? call.cOff + i * n + j : 0;
            int dStride = direct ? n : W;
            if (wide) {
                VectorTiles.tile6x4(a, call.aOff + i * ars, ars, acs, b, bBase, bStride, k, d, dBase, dStride);
            } else {
                VectorTiles.tile6x1(a, call.aOff + i * ars, ars, acs, b, bBase, bStride, k, d, dBase, dStride);
            }
            if (!direct) {
                VectorEpilogue.finish(tile, 0, W, ROWS, w, call, i, j, mode);
            }
        }
        for (; i < i1; i++) {
            float[] d = direct ? call.c : tile;
            int dBase = direct ? call.cOff + i * n + j : 0;
            if (wide) {
                VectorTiles.tile1x4(a, call.aOff + i * ars, acs, b, bBase, bStride, k, d, dBase);
            } else {
                VectorTiles.tile1x1(a, call.aOff + i * ars, acs, b, bBase, bStride, k, d, dBase);
            }
            if (!direct) {
                VectorEpilogue.finish(tile, 0, W, 1, w, call, i, j, mode);
            }
        }
    }

    /** Copies columns {@code [j, j+w)} of op(B) into {@code panel[p * stride + jj]}, zero beyond {@code w}. */
    private static void pack(GemmCall call, int j, int w, float[] panel, int stride) {
        int k = call.k;
        if (call.transB) {
            ScalarGemm.packTransposed(call.b, call.bOff + j * k, k, w, panel, stride);
        } else {
            for (int p = 0; p < k; p++) {
                System.arraycopy(call.b, call.bOff + p * call.n + j, panel, p * stride, w);
            }
        }
        if (w < stride) {
            for (int p = 0; p < k; p++) {
                Arrays.fill(panel, p * stride + w, p * stride + stride, 0f);
            }
        }
    }

    /** Lanes per vector, for tests that aim at the edges. */
    static int lanes() {
        return L;
    }
}
