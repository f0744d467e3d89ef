package dev.nabla.runtime.train;

/**
 * Finds where a training step's first non-finite value came from, so that a NaN the model computes itself (the log
 * of a negative input) is named instead of blamed on the learning rate. The runtime has no graph to look into; the
 * compiler supplies one that re-runs the step in a reference interpreter (see the compiler's
 * {@code NonFiniteSearch}).
 */
public interface DivergenceProbe {

    /** No probe: every divergence gets the learning-rate advice. */
    DivergenceProbe NONE = (buffers, batch) -> null;

    /** Where in a step the first non-finite value appeared. */
    enum Phase {
        /** A weight was already non-finite before the step: the previous update produced it. */
        WEIGHTS,
        /** The model's forward computation, up to the loss. */
        FORWARD,
        /** The backward computation of the gradients. */
        GRADIENT
    }

    /**
     * The first non-finite value of a step.
     *
     * @param what         the op or weight, e.g. {@code `log`} or {@code weight hidden.W}
     * @param where        its position in the model, e.g. {@code model.nabla:7:12}, or empty when unknown
     * @param phase        where in the step
     * @param value        the first non-finite (or out-of-float-range) value, e.g. NaN
     * @param overflowOnly true when the value is finite in double precision and only leaves float32's range: large
     *                     activations, which growing weights cause; false when it is undefined however precise
     *                     the arithmetic (0/0, log of a negative number), which no learning rate fixes
     */
    record Finding(String what, String where, Phase phase, double value, boolean overflowOnly) {
    }

    /**
     * Looks at the step that went wrong: {@code buffers} hold the batch's inputs and targets (its first {@code batch}
     * rows), the weights as they were before the step and the state as the step left it (running statistics, the step
     * counter of random draws). Returns null when it finds nothing non-finite.
     * It must not change the buffers.
     */
    Finding probe(float[][] buffers, int batch);
}
