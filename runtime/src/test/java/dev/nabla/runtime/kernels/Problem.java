package dev.nabla.runtime.kernels;

import java.util.Random;

/**
 * A random product with its operands placed at offsets inside larger arrays, and a double-precision
 * reference to check results against.
 */
final class Problem {
    static final float GUARD = 12345.5f;

    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final boolean accumulate;
    final boolean withBias;
    final int act;
    final float[] a;
    final float[] b;
    final float[] c;
    final float[] c0;
    final float[] bias;
    final int aOff;
    final int bOff;
    final int cOff;
    final int biasOff;
    private final GemmCall holder = new GemmCall();

    Problem(boolean transA, boolean transB, int m, int n, int k, boolean accumulate, boolean withBias, int act,
            long seed) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.accumulate = accumulate;
        this.withBias = withBias;
        this.act = act;
        Random r = new Random(seed);
        aOff = r.nextInt(5);
        bOff = r.nextInt(5);
        cOff = r.nextInt(5);
        biasOff = r.nextInt(5);
        a = filled(r, aOff, m * k);
        b = filled(r, bOff, k * n);
        c = filled(r, cOff, m * n);
        bias = withBias ? filled(r, biasOff, n) : null;
        for (int i = 0; i < cOff; i++) {
            c[i] = GUARD;
        }
        for (int i = cOff + m * n; i < c.length; i++) {
            c[i] = GUARD;
        }
        c0 = c.clone();
    }

    private static float[] filled(Random r, int off, int len) {
        float[] x = new float[off + len + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** The product as a kernel call; the same holder each time, so that calling allocates nothing. */
    GemmCall call() {
        return holder.set(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate,
                bias, biasOff, act);
    }

    float aAt(int i, int p) {
        return transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
    }

    float bAt(int p, int j) {
        return transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
    }

    /** Null when every element of C lies within a rounding bound of the exact result, else a description. */
    String mismatch() {
        for (int i = 0; i < c.length; i++) {
            boolean inside = i >= cOff && i < cOff + m * n;
            if (!inside && Float.compare(c[i], GUARD) != 0) {
                return "wrote outside C at " + i;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    exact += (double) aAt(i, p) * bAt(p, j);
                    magnitude += Math.abs((double) aAt(i, p) * bAt(p, j));
                }
                double old = accumulate ? c0[cOff + i * n + j] : 0;
                double bi = withBias ? bias[biasOff + j] : 0;
                exact += old + bi;
                magnitude += Math.abs(old) + Math.abs(bi);
                if (act == Gemm.ACT_RELU) {
                    exact = Math.max(exact, 0);
                }
                double tolerance = (k + 3) * Math.ulp(1f) * magnitude + 1e-30;
                float got = c[cOff + i * n + j];
                if (!(Math.abs(got - exact) <= tolerance)) {
                    return "C[" + i + "," + j + "] = " + got + ", expected " + exact + " within " + tolerance;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + (accumulate ? " +=" : "") + (withBias ? " bias" : "") + (act == Gemm.ACT_RELU ? " relu" : "");
    }
}
