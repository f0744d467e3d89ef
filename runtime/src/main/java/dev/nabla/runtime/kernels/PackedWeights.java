package dev.nabla.runtime.kernels;

import dev.nabla.runtime.CompiledModel;

import java.util.Arrays;

/**
 * A model's weights frozen for inference: private copies of them, and of each weight matrix a product reads as its B,
 * a copy in the layout the product kernel reads ({@link GemmKernel#packB}), so that such a product copies nothing:
 * what {@code torch.jit.freeze} does for PyTorch. {@link #predict} runs a model's {@code predict} on the caller's
 * buffers with the copies in place of the weight slots, and the copies bound to the thread ({@link Gemm#bind}): the
 * first product reading one of them as B packs it (for that offset, shape and transposition) and keeps it; later ones
 * read it packed.
 *
 * <p>Keeping packed copies is only correct for weights that never change, so nothing outside this class can reach the
 * copies: they are made here, never handed out, and the buffer view that holds them is cleared after each call. The
 * user-facing form is {@link dev.nabla.runtime.FrozenPredictor}. Safe for any number of threads: packing is a pure
 * function of the copies, and a packed copy is published whole.
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

    /** The frozen copies by buffer slot; null for slots that are not weights. */
    private final float[][] slots;
    private final float[][] sources;
    private volatile Entry[] entries = new Entry[0];
    /** Per thread: the caller's buffers with the weight slots replaced by the copies (no allocation per call). */
    private final ThreadLocal<float[][]> views;

    /**
     * @param weights by buffer slot, the weights to freeze (copied now, whole) or null for a slot that is not a weight
     */
    public PackedWeights(float[][] weights) {
        slots = new float[weights.length][];
        int count = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != null) {
                slots[i] = weights[i].clone();
                count++;
            }
        }
        sources = new float[count][];
        for (int i = 0, s = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                sources[s++] = slots[i];
            }
        }
        views = ThreadLocal.withInitial(() -> new float[slots.length][]);
    }

    /**
     * {@code model.predict} on {@code batch} rows of {@code buffers} (as many slots as the weights given to the
     * constructor), reading the frozen weights instead of {@code buffers}' weight slots.
     */
    public void predict(CompiledModel model, float[][] buffers, int batch) {
        if (buffers.length != slots.length) {
            throw new IllegalArgumentException("model " + model.spec().name() + " has " + slots.length
                    + " buffers, got a set of " + buffers.length);
        }
        float[][] view = views.get();
        for (int i = 0; i < view.length; i++) {
            view[i] = slots[i] != null ? slots[i] : buffers[i];
        }
        PackedWeights previous = Gemm.bind(this);
        try {
            model.predict(view, batch);
        } finally {
            Gemm.bind(previous);
            Arrays.fill(view, null); // keeps no reference to the caller's buffers, and hands out no copy
        }
    }

    /** The frozen copy of slot {@code i} (for tests in this package). */
    float[] frozen(int i) {
        return slots[i];
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
