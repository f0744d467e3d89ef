package dev.nabla.runtime;

/** What a buffer of a compiled model holds; decides who writes it and whether a checkpoint keeps it. */
public enum BufferRole {
    /** Trainable parameter, initialised by the runtime, saved in checkpoints. */
    PARAM,
    /** Gradient of the loss with respect to one PARAM ({@link BufferSpec#of()} names it). */
    GRAD,
    /** Model input, written by the caller. */
    INPUT,
    /** Training target (class labels stored as floats, or real values), written by the caller. */
    TARGET,
    /** Named model output. */
    OUTPUT,
    /** The scalar training loss, one element. */
    LOSS,
    /** Non-trainable state updated by training (e.g. batch-norm running statistics); saved in checkpoints. */
    STATE,
    /** Optimizer state of one PARAM (momentum, moments); saved in checkpoints for resuming. */
    OPT_STATE,
    /** Intermediate storage assigned by the memory plan. */
    TEMP,
    /**
     * Gradient-health sums the training kernels write as a side output (per-block sums of squares of a PARAM's
     * gradient, weights and update; per-unit activity counts of an activation); read by the runtime after each
     * step, never saved. Only models compiled with health have them.
     */
    HEALTH
}
