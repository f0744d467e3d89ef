package dev.nabla.runtime.kernels;

/**
 * The arguments of one matrix product, in a mutable holder so that a call can be handed to a worker
 * thread without allocating. Each calling thread reuses its own instance.
 */
final class GemmCall {
    boolean transA;
    boolean transB;
    int m;
    int n;
    int k;
    float[] a;
    int aOff;
    float[] b;
    int bOff;
    float[] c;
    int cOff;
    boolean accumulate;
    float[] bias;
    int biasOff;
    boolean relu;
    /**
     * op(B) already in the layout of the active kernel ({@link GemmKernel#packB}), or null: set by {@link Gemm} when
     * B is a weight matrix of the {@link PackedWeights} bound to the calling thread.
     */
    float[][] packedB;
    /** Whether {@link #packedB} is packed for this call ({@link GemmKernel#prepare}), not a frozen weight matrix's. */
    boolean packsB;
    /** op(A) packed by {@link GemmKernel#prepare} for this call (in the calling thread's scratch), or null. */
    float[] aTiles;
    /**
     * Where the product's depth is cut in two ({@link GemmKernel#depthCut}), 0 when it is not: the sums over
     * {@code [0, depthCut)} go into C, those over {@code [depthCut, k)} into {@link #partial}, and the two are added by
     * {@link GemmKernel#combineSlices}.
     */
    int depthCut;
    /** The m x n sums over the second slice of the depth (the calling thread's scratch), or null. */
    float[] partial;
    /** A number of its own for each product (from 1), which the scratch panels its parts pack are labelled with. */
    long serial;
    /** The frozen weights bound to this thread by {@link Gemm#bind}, or null; kept across calls. */
    PackedWeights bound;

    GemmCall set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                 float[] c, int cOff, boolean accumulate, float[] bias, int biasOff, int act) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.aOff = aOff;
        this.b = b;
        this.bOff = bOff;
        this.c = c;
        this.cOff = cOff;
        this.accumulate = accumulate;
        this.bias = bias;
        this.biasOff = biasOff;
        this.relu = act == Gemm.ACT_RELU;
        this.packedB = null;
        this.aTiles = null;
        this.packsB = false;
        this.depthCut = 0;
        this.partial = null;
        return this;
    }

    /** Drops the array references so a finished call does not keep a model's buffers reachable. */
    void clear() {
        a = null;
        b = null;
        c = null;
        bias = null;
        packedB = null;
        aTiles = null;
        packsB = false;
        partial = null;
        depthCut = 0;
    }

    long fmas() {
        return (long) m * n * k;
    }

    /** Rejects shapes and offsets that do not fit the arrays before any thread writes to C. */
    void check() {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: m=" + m + " n=" + n + " k=" + k);
        }
        checkRange("A", a, aOff, (long) m * k);
        checkRange("B", b, bOff, (long) k * n);
        checkRange("C", c, cOff, (long) m * n);
        if (bias != null) {
            checkRange("bias", bias, biasOff, n);
        }
    }

    private static void checkRange(String what, float[] array, int off, long len) {
        if (len == 0) {
            return;
        }
        if (off < 0 || off + len > array.length) {
            throw new IndexOutOfBoundsException(what + ": " + len + " elements from offset " + off
                    + " do not fit an array of " + array.length);
        }
    }
}
