package dev.nabla.runtime.kernels;

import java.util.Arrays;

/**
 * Plain-Java matrix product: the fallback without the Vector API, and the reference the fast kernels are
 * tested against. Loops run i-k-j over separate arrays (a scratch row, B or a packed copy of its
 * transpose) so that C2 vectorizes the inner loop; nothing is allocated after warm-up.
 * Each element of C is {@code act(sum_p a*b + old C + bias)}, the sum taken in order of p.
 */
final class ScalarGemm implements GemmKernel {

    static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int columnAlign() {
        return 16;
    }

    @Override
    public int rowAlign() {
        return 1;
    }

    @Override
    public void compute(GemmCall call, int i0, int i1, int j0, int j1) {
        int w = j1 - j0;
        int k = call.k;
        Scratch scratch = Scratch.current();
        float[] row = scratch.tile(w);
        float[] b = call.b;
        int bBase = call.bOff + j0;
        int bStride = call.n;
        if (call.transB) {
            b = scratch.panel(k * w);
            packTransposed(call.b, call.bOff + j0 * k, k, w, b, w);
            bBase = 0;
            bStride = w;
        }
        for (int i = i0; i < i1; i++) {
            Arrays.fill(row, 0, w, 0f);
            int aIdx = call.transA ? call.aOff + i : call.aOff + i * k;
            int aStep = call.transA ? call.m : 1;
            for (int p = 0; p < k; p++, aIdx += aStep) {
                axpy(call.a[aIdx], b, bBase + p * bStride, row, w);
            }
            store(call, row, call.cOff + i * call.n + j0, j0, w);
        }
    }

    /** {@code row[0..w) += av * b[from..from+w)}: the loop C2 vectorizes. */
    private static void axpy(float av, float[] b, int from, float[] row, int w) {
        for (int j = 0; j < w; j++) {
            row[j] += av * b[from + j];
        }
    }

    /** Copies {@code w} rows of length {@code k} (a slice of B[n,k]) into {@code dst[p * stride + j]}. */
    static void packTransposed(float[] b, int from, int k, int w, float[] dst, int stride) {
        for (int j = 0; j < w; j++) {
            int src = from + j * k;
            for (int p = 0; p < k; p++) {
                dst[p * stride + j] = b[src + p];
            }
        }
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
