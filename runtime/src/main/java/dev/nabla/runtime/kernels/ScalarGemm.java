package dev.nabla.runtime.kernels;

import java.util.Arrays;

/**
 * Plain-Java matrix product: the fallback without the Vector API. Loops run i-k-j into a scratch row from
 * rows of op(B) copied into separate per-thread arrays, so that C2 vectorizes the inner loop; products with
 * fewer than 4 rows read B in place. A weight matrix packed once ({@link PackedWeights}) is read as those rows
 * directly. Nothing is allocated after warm-up. Each element of C is
 * {@code act(sum_p a*b + old C + bias)}, the sum taken in order of p with separate multiply and add.
 */
final class ScalarGemm implements GemmKernel {

    static final ScalarGemm INSTANCE = new ScalarGemm();
    /** Copying B pays off when it is read for at least this many rows of C. */
    private static final int PACK_MIN_ROWS = 4;

    private ScalarGemm() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    /**
     * Larger than any C, so that products are split by rows: a narrow column range would leave the inner
     * loop too short for C2's vectorized main loop (2 threads on 64-column parts ran slower than 1).
     */
    @Override
    public int columnAlign() {
        return 1 << 24;
    }

    /** Each part copies all of its columns of B, so parts are kept to whole blocks of 16 rows (64 at least). */
    @Override
    public int rowAlign() {
        return 16;
    }

    @Override
    public void compute(GemmCall call, int i0, int i1, int j0, int j1) {
        int w = j1 - j0;
        int k = call.k;
        Scratch scratch = Scratch.current();
        float[] row = scratch.tile(w);
        if (i1 - i0 < PACK_MIN_ROWS) {
            fewRows(call, i0, i1, j0, w, row);
            return;
        }
        float[][] bRows = call.packedB;
        if (bRows == null || j0 != 0 || w != call.n) {
            bRows = scratch.rows(k, w);
            packRows(call.b, call.bOff, call.transB, k, call.n, j0, w, bRows);
        }
        float[] a = call.a;
        int aStep = call.transA ? call.m : 1;
        for (int i = i0; i < i1; i++) {
            Arrays.fill(row, 0, w, 0f);
            int aIdx = call.transA ? call.aOff + i : call.aOff + i * k;
            for (int p = 0; p < k; p++, aIdx += aStep) {
                axpy(a[aIdx], bRows[p], row, w);
            }
            store(call, row, call.cOff + i * call.n + j0, j0, w);
        }
    }

    /**
     * {@code row[0..w) += av * bRow[0..w)}. Both arrays are indexed from 0: C2 only vectorizes a loop whose
     * arrays it can tell apart, and it cannot when they are indexed at different offsets (they might be one
     * array), hence the copy of B into separate rows.
     */
    private static void axpy(float av, float[] bRow, float[] row, int w) {
        for (int j = 0; j < w; j++) {
            row[j] += av * bRow[j];
        }
    }

    /** Rows of C computed from B in place: the same sums, in the same order, without the copy. */
    private static void fewRows(GemmCall call, int i0, int i1, int j0, int w, float[] row) {
        int k = call.k;
        int aStep = call.transA ? call.m : 1;
        for (int i = i0; i < i1; i++) {
            Arrays.fill(row, 0, w, 0f);
            int aIdx = call.transA ? call.aOff + i : call.aOff + i * k;
            for (int p = 0; p < k; p++, aIdx += aStep) {
                float av = call.a[aIdx];
                if (call.transB) {
                    int bIdx = call.bOff + j0 * k + p;
                    for (int j = 0; j < w; j++, bIdx += k) {
                        row[j] += av * call.b[bIdx];
                    }
                } else {
                    int bIdx = call.bOff + p * call.n + j0;
                    for (int j = 0; j < w; j++) {
                        row[j] += av * call.b[bIdx + j];
                    }
                }
            }
            store(call, row, call.cOff + i * call.n + j0, j0, w);
        }
    }

    /** Copies columns {@code [j0, j0+w)} of op(B) into {@code bRows[p][0..w)}. */
    private static void packRows(float[] b, int bOff, boolean transB, int k, int n, int j0, int w, float[][] bRows) {
        if (transB) {
            for (int jj = 0; jj < w; jj++) {
                int src = bOff + (j0 + jj) * k;
                for (int p = 0; p < k; p++) {
                    bRows[p][jj] = b[src + p];
                }
            }
        } else {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * n + j0, bRows[p], 0, w);
            }
        }
    }

    /** All of op(B) as k rows of n floats: what {@link #compute} copies for a part that spans every column. */
    @Override
    public float[][] packB(float[] b, int bOff, boolean transB, int k, int n) {
        float[][] rows = new float[k][n];
        packRows(b, bOff, transB, k, n, 0, n, rows);
        return rows;
    }

    private static void store(GemmCall call, float[] row, int cRow, int j0, int w) {
        float[] c = call.c;
        if (call.accumulate) {
            for (int j = 0; j < w; j++) {
                row[j] += c[cRow + j];
            }
        }
        if (call.bias != null) {
            int bias = call.biasOff + j0;
            for (int j = 0; j < w; j++) {
                row[j] += call.bias[bias + j];
            }
        }
        if (call.relu) {
            for (int j = 0; j < w; j++) {
                c[cRow + j] = Math.max(row[j], 0f);
            }
        } else {
            System.arraycopy(row, 0, c, cRow, w);
        }
    }
}
