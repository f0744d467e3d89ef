package dev.nabla.runtime.kernels;

/**
 * One implementation of the matrix product. {@link #compute} fills a rectangle of C; the driver splits C
 * into rectangles for threads along the alignments the kernel asks for, so that every element of C is
 * computed by the same sequence of operations whatever the split (results do not depend on the thread count).
 */
interface GemmKernel {

    /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of C for {@code call}. */
    void compute(GemmCall call, int i0, int i1, int j0, int j1);

    /**
     * Called once per product on the calling thread, before C is split into parts: true if every part reads operands
     * packed once for the whole product (op(A) in {@link GemmCall#aTiles}, op(B) in {@link GemmCall#packedB}, which
     * this then points at buffers of the calling thread), to be filled by {@link #pack} before any part runs.
     */
    default boolean prepare(GemmCall call) {
        return false;
    }

    /**
     * Packs share {@code part} of {@code parts} of what {@link #prepare} asked for; the shares together pack it all,
     * and may run on any threads at once.
     */
    default void pack(GemmCall call, int part, int parts) {
    }

    /**
     * About how many parts per thread {@link Gemm#split} cuts this product into, once {@link #prepare} has run: finer
     * parts let the threads end together, at a part's fixed costs.
     */
    default int partsPerThread(GemmCall call) {
        return Gemm.PARTS_PER_THREAD;
    }

    /**
     * Whether {@link Gemm#split} should hand out this product's cells panel by panel rather than row by row: where each
     * part packs its panel of B, so that a thread's consecutive parts in one panel pack it once.
     */
    default boolean panelMajor(GemmCall call) {
        return false;
    }

    /**
     * Where to cut the depth of {@code call} in two, or 0 for not at all: a rule of the product's shape alone, never of
     * the thread count, so that every element of C is the same sum on any number of threads. A kernel that cuts also
     * implements {@link #computeSlice} and {@link #combineSlices}.
     */
    default int depthCut(GemmCall call) {
        return 0;
    }

    /**
     * The plain sums of rows {@code [i0, i1)} and columns {@code [j0, j1)} over slice {@code slice} of the depth: {@code
     * [0, depthCut)} into C, or {@code [depthCut, k)} into {@link GemmCall#partial} (row stride n).
     */
    default void computeSlice(GemmCall call, int i0, int i1, int j0, int j1, int slice) {
        throw new UnsupportedOperationException(name() + " does not cut products by depth");
    }

    /** Rows {@code [i0, i1)} of C = act(C + partial + bias), once both slices are done. */
    default void combineSlices(GemmCall call, int i0, int i1) {
        throw new UnsupportedOperationException(name() + " does not cut products by depth");
    }

    /** Column splits fall on multiples of this. */
    int columnAlign();

    /** Row splits fall on multiples of this. */
    int rowAlign();

    /**
     * op(B) ({@code B[k,n]}, or {@code B[n,k]} transposed) copied into the layout {@link #compute} reads it in, as
     * {@link GemmCall#packedB}: done once for a weight matrix that does not change, instead of in every product.
     */
    float[][] packB(float[] b, int bOff, boolean transB, int k, int n);

    /** "vector" or "scalar". */
    String name();
}
