package dev.nabla.runtime.kernels;

import java.util.Arrays;

/**
 * Weight matrices kept in the layout the product kernel reads ({@link GemmKernel#packB}), so that a product whose B
 * is one of them copies nothing: what {@code torch.jit.freeze} does for PyTorch's inference. Bound to the calling
 * thread around a model's {@code predict} ({@link Gemm#bind}), it serves every product whose B is one of
 * {@link #PackedWeights its arrays}: the first such product packs that B (for its offset, shape and transposition)
 * and keeps the copy; later ones read the copy.
 *
 * <p>Only correct for arrays that are never written again, which is why the one user,
 * {@link dev.nabla.runtime.FrozenPredictor}, passes private copies of the weights that nothing else can reach. Safe
 * for any number of threads: packing is a pure function of those arrays, and a copy is published whole.
 */
public final class PackedWeights {

    /** One packed operand: which array and slice of it, for which kernel, and the kernel's layout of it. */
    private record Entry(GemmKernel kernel, float[] source, int offset, boolean transB, int k, int n,
                         float[][] panels) {
        boolean matches(GemmKernel kernel, GemmCall call) {
            return this.kernel == kernel && source == call.b && offset == call.bOff && transB == call.transB
                    && k == call.k && n == call.n;
        }
    }

    private final float[][] sources;
    private volatile Entry[] entries = new Entry[0];

    /**
     * @param frozen arrays that nobody writes from now on (compared by identity; their contents are read when a product
     *               first uses them)
     */
    public PackedWeights(float[][] frozen) {
        sources = frozen.clone();
    }

    /** How many packed operands exist so far (for tests). */
    public int packedCount() {
        return entries.length;
    }

    /** The packed form of the call's B for {@code kernel}, packing it on first use; null when B is not a weight here. */
    float[][] lookup(GemmKernel kernel, GemmCall call) {
        if (!isSource(call.b)) {
            return null;
        }
        for (Entry e : entries) {
            if (e.matches(kernel, call)) {
                return e.panels;
            }
        }
        return add(kernel, call);
    }

    private boolean isSource(float[] b) {
        for (float[] s : sources) {
            if (s == b) {
                return true;
            }
        }
        return false;
    }

    private synchronized float[][] add(GemmKernel kernel, GemmCall call) {
        Entry[] now = entries;
        for (Entry e : now) {
            if (e.matches(kernel, call)) {
                return e.panels;
            }
        }
        Entry e = new Entry(kernel, call.b, call.bOff, call.transB, call.k, call.n,
                kernel.packB(call.b, call.bOff, call.transB, call.k, call.n));
        Entry[] grown = Arrays.copyOf(now, now.length + 1);
        grown[now.length] = e;
        entries = grown;
        return e.panels;
    }
}
