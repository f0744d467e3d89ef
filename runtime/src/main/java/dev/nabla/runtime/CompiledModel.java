package dev.nabla.runtime;

/**
 * A model compiled to kernels, driven by the runtime without reflection and without the compiler.
 *
 * <p>All tensors live in {@code float[]} buffers owned by the caller and laid out as {@link #spec()}
 * describes: {@code buffers[i]} is the storage of {@code spec().buffers().get(i)}, sized for the
 * largest batch the caller will pass (see {@link ModelSpec#allocate(int)}). Kernels allocate nothing
 * and keep no state between calls, so one compiled model may serve several buffer sets (threads,
 * Spark tasks) at once.
 */
public interface CompiledModel {

    ModelSpec spec();

    /** Inference graph: reads INPUT, PARAM and STATE buffers, writes OUTPUT buffers for {@code batch} rows. */
    void predict(float[][] buffers, int batch);

    /**
     * The inference graph with the PARAM and STATE buffers of {@code buffers} frozen as they are now: a snapshot that
     * keeps its weight matrices packed for the product kernels, so a batch packs nothing (see {@link FrozenPredictor}).
     * Later writes to {@code buffers} do not reach it; freeze again after the weights change.
     */
    default FrozenPredictor freeze(float[][] buffers) {
        return new FrozenPredictor(this, buffers);
    }

    /**
     * Training graph, forward and backward: reads INPUT, TARGET, PARAM and STATE buffers; writes the
     * LOSS buffer (one element, regularization included), every GRAD buffer, the OUTPUT buffers and
     * STATE updates.
     */
    void trainStep(float[][] buffers, int batch);

    /**
     * Evaluation: the inference graph with the loss (what {@code model.eval()} gives in PyTorch), reading INPUT,
     * TARGET, PARAM and STATE buffers and writing the OUTPUT buffers and the LOSS. A model without such an entry
     * point runs {@link #trainStep}, which also writes GRAD and STATE buffers: callers keep a copy of STATE.
     */
    default void evaluate(float[][] buffers, int batch) {
        trainStep(buffers, batch);
    }

    /**
     * Applies the optimizer compiled into the model to every PARAM from its GRAD and OPT_STATE buffers.
     *
     * @param hyper per-step hyperparameters, laid out as {@link OptimizerSpec#HYPER_LR} etc.
     */
    void update(float[][] buffers, float[] hyper);

    /**
     * {@link #trainStep} and {@link #update} in one call, computing exactly what the two compute in turn. A model
     * that {@link #fusesUpdate} runs each parameter's update right after the kernel that finishes its gradient (or
     * the last that reads the parameter), while the gradient is in cache, instead of a separate pass over all
     * parameters at the end. The caller must not need the gradients before the update: with clipping by the global
     * norm, or gradients summed over workers, it calls the two halves.
     *
     * @param hyper as for {@link #update}, with {@link OptimizerSpec#HYPER_GRAD_SCALE} 1 (nothing is clipped)
     */
    default void trainAndUpdate(float[][] buffers, int batch, float[] hyper) {
        trainStep(buffers, batch);
        update(buffers, hyper);
    }

    /** Whether {@link #trainAndUpdate} interleaves the updates with the training step (false: it is the default). */
    default boolean fusesUpdate() {
        return false;
    }
}
