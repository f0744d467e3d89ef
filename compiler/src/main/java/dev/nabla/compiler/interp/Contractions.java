package dev.nabla.compiler.interp;

import java.util.List;

/** Matrix products and transposition, as textbook loops. */
final class Contractions {

    private Contractions() {
    }

    /** [M,K] @ [K,N]. */
    static Tensor matmul(Tensor a, Tensor b, int[] out) {
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        double[] x = a.raw();
        double[] w = b.raw();
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double xip = x[i * k + p];
                for (int j = 0; j < n; j++) {
                    r[i * n + j] += xip * w[p * n + j];
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** [K,M]^T @ [K,N]. */
    static Tensor matmulTransposedA(Tensor a, Tensor b, int[] out) {
        int k = a.dim(0);
        int m = a.dim(1);
        int n = b.dim(1);
        double[] x = a.raw();
        double[] g = b.raw();
        double[] r = new double[m * n];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                double xpi = x[p * m + i];
                for (int j = 0; j < n; j++) {
                    r[i * n + j] += xpi * g[p * n + j];
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** Output axis j is input axis perm[j]. */
    static Tensor transpose(Tensor t, List<Integer> perm, int[] out) {
        int[] inShape = t.shape();
        int rank = inShape.length;
        double[] src = t.raw();
        double[] r = new double[src.length];
        int[] outIdx = new int[rank];
        int[] inIdx = new int[rank];
        for (int f = 0; f < r.length; f++) {
            for (int j = 0; j < rank; j++) {
                inIdx[perm.get(j)] = outIdx[j];
            }
            r[f] = src[Indexing.flat(inIdx, inShape)];
            Indexing.increment(outIdx, out);
        }
        return Tensor.wrap(out, r);
    }
}
