package dev.nabla.runtime.kernels;

/** Plain-Java matrix product: the fallback without the Vector API, and the reference the fast kernels are tested against. */
final class ScalarGemm {

    private ScalarGemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate,
                     float[] bias, int biasOff, int act) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        row[j] += av * b[bOff + j * k + p];
                    }
                } else {
                    int bRow = bOff + p * n;
                    for (int j = 0; j < n; j++) {
                        row[j] += av * b[bRow + j];
                    }
                }
            }
            int cRow = cOff + i * n;
            for (int j = 0; j < n; j++) {
                float v = row[j] + (accumulate ? c[cRow + j] : 0f) + (bias != null ? bias[biasOff + j] : 0f);
                c[cRow + j] = act == Gemm.ACT_RELU ? Math.max(v, 0f) : v;
            }
        }
    }
}
