package dev.nabla.runtime;

import dev.nabla.runtime.kernels.PackedWeights;

/**
 * A model's inference graph with its weights frozen, like {@code torch.jit.freeze}: made by
 * {@link CompiledModel#freeze}, it copies the PARAM and STATE buffers once, and its matrix products read those weights
 * from copies already in the layout the product kernel reads (packed on the first product that uses each one), where
 * {@link CompiledModel#predict} copies them again in every product.
 *
 * <p><b>A snapshot.</b> The copies are private ({@link PackedWeights} never hands them out): writing the buffers it was
 * frozen from (a training step, a checkpoint load, any code) does not change what it predicts. Freeze again after the
 * weights change. Nothing can write the frozen weights, which is what makes keeping them packed correct.
 *
 * <p>{@link #predict} takes a buffer set laid out as {@link #spec()} (from {@link #allocate}, or the one it was frozen
 * from) and reads its INPUT buffers, writes its OUTPUT and TEMP buffers; its PARAM and STATE slots are not used. Any
 * number of threads may predict at once, each with a buffer set of its own. The results are those of
 * {@link CompiledModel#predict} with the same weights, to the bit. After a thread's first calls, it allocates nothing.
 */
public final class FrozenPredictor {

    private final CompiledModel model;
    private final ModelSpec spec;
    private final PackedWeights weights;

    FrozenPredictor(CompiledModel model, float[][] buffers) {
        this.model = model;
        this.spec = model.spec();
        if (buffers.length != spec.buffers().size()) {
            throw new IllegalArgumentException("model " + spec.name() + " has " + spec.buffers().size()
                    + " buffers, got a set of " + buffers.length);
        }
        float[][] frozen = new float[buffers.length][];
        for (int i = 0; i < buffers.length; i++) {
            BufferSpec b = spec.buffers().get(i);
            if (frozen(b.role())) {
                int size = b.size(1);
                if (buffers[i] == null || buffers[i].length < size) {
                    throw new IllegalArgumentException("buffer " + b.name() + " holds " + (buffers[i] == null ? "nothing"
                            : buffers[i].length + " floats") + ", model " + spec.name() + " needs " + size);
                }
                frozen[i] = buffers[i].length == size ? buffers[i] : java.util.Arrays.copyOf(buffers[i], size);
            }
        }
        weights = new PackedWeights(frozen); // copies them
    }

    private static boolean frozen(BufferRole role) {
        return role == BufferRole.PARAM || role == BufferRole.STATE;
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * Buffers for {@link #predict} with batches of up to {@code maxBatch} rows: every slot but PARAM, STATE, GRAD and
     * OPT_STATE sized as {@link ModelSpec#allocate} sizes it (those four are empty: predict reads none of them).
     */
    public float[][] allocate(int maxBatch) {
        float[][] b = new float[spec.buffers().size()][];
        for (int i = 0; i < b.length; i++) {
            BufferSpec s = spec.buffers().get(i);
            boolean unused = frozen(s.role()) || s.role() == BufferRole.GRAD || s.role() == BufferRole.OPT_STATE;
            b[i] = unused ? new float[0] : new float[s.size(maxBatch)];
        }
        return b;
    }

    /** The inference graph on {@code batch} rows of {@code buffers}' inputs, with the frozen weights. */
    public void predict(float[][] buffers, int batch) {
        weights.predict(model, buffers, batch);
    }

    /** Weight matrices packed so far: one per product that read a frozen weight as its B (for tests and diagnostics). */
    public int packedCount() {
        return weights.packedCount();
    }
}
