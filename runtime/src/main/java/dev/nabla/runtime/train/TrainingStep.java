package dev.nabla.runtime.train;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.optim.GradientClipping;

/**
 * One optimizer step in its two halves, which a data-parallel trainer runs in different places: {@link #gradients}
 * runs forward and backward on some rows (on each worker, for its share of the global batch), {@link #apply} runs
 * the compiled optimizer on whatever the GRAD buffers then hold (on the driver, after the workers' gradients are
 * combined). {@link Trainer} runs both back to back, so one machine and many take the same step; without clipping
 * it runs them as one fused call ({@link #gradientsAndUpdate}), which computes the same.
 *
 * <p>The gradient {@code trainStep} leaves is that of the loss of the rows it was given: the mean over those rows of
 * the per-example losses, plus the regularization. So for a batch split into parts of {@code n_p} rows the mean of
 * the parts' gradients weighted by {@code n_p} is the whole batch's gradient, regularization included (it appears
 * once in every part, and the weights sum to 1), provided the loss is a mean over the batch, as every loss of the
 * standard library is. Batch statistics (batch norm) are the exception: each part normalizes with its own.
 */
public final class TrainingStep {

    /**
     * System property that, set to {@code false}, keeps the two halves even where the fused step could run (to
     * measure one against the other: {@code NABLA_JAVA_OPTS=-Dnabla.fusedUpdate=false ./nabla train ...}).
     */
    public static final String FUSED_PROPERTY = "nabla.fusedUpdate";

    private final CompiledModel model;
    final ModelBuffers mb;
    private final TrainAccuracy accuracy;
    private final float[] hyper = new float[OptimizerSpec.HYPER_SIZE];

    /**
     * @param buffers  the model's buffers from {@code spec.allocate(maxBatch)}, holding its weights
     * @param maxBatch the most rows {@link #gradients} will be given at once (0 for a step that only applies updates)
     */
    public TrainingStep(CompiledModel model, float[][] buffers, int maxBatch) {
        this.model = model;
        this.mb = new ModelBuffers(model.spec(), buffers, maxBatch, true);
        this.accuracy = new TrainAccuracy(mb);
    }

    public float[][] buffers() {
        return mb.buffers;
    }

    /** The dataset with its fields in the order of the model's inputs and targets, as {@link #gradients} reads them. */
    public Dataset bind(Dataset data) {
        return mb.bind(data);
    }

    /**
     * Forward and backward on rows {@code order[from..from+count)} of a {@linkplain #bind bound} dataset: writes the
     * LOSS, every GRAD buffer (the gradient of the mean loss of these rows), the OUTPUT buffers and the STATE updates.
     *
     * @return the loss of these rows, regularization included
     */
    public float gradients(Dataset bound, int[] order, int from, int count) {
        mb.fill(bound, order, from, count);
        model.trainStep(mb.buffers, count);
        return mb.lossValue();
    }

    /**
     * Asks for rows {@code order[from..from+count)} of a {@linkplain #bind bound} dataset to be gathered while the next
     * {@link #gradients} or {@link #gradientsAndUpdate} runs, by helper threads that are idle between its products; the
     * call after that, given these rows, finds them gathered. Calls with other rows gather them as usual. Nothing is
     * gathered ahead with one thread ({@link dev.nabla.runtime.kernels.Gemm#threads()}).
     */
    public void gatherAhead(Dataset bound, int[] order, int from, int count) {
        mb.gatherAhead(bound, order, from, count);
    }

    /** Whether {@link #correct} counts anything: the model classifies (see {@link Evaluator}). */
    public boolean classifier() {
        return accuracy.classifier();
    }

    /**
     * Correct predictions among the {@code count} rows {@link #gradients} (or {@link #gradientsAndUpdate}) just ran on (0
     * for a model that does not classify).
     */
    public int correct(int count) {
        return accuracy.correct(mb.buffers, count);
    }

    /**
     * The factor the GRAD buffers are multiplied by before the update: {@code min(1, clipNorm / (norm + 1e-6))} over
     * all of them, 1 when {@code clipNorm} is 0, NaN when their norm is not finite, clipping or not (the step must
     * not be applied).
     */
    public float clipScale(double clipNorm) {
        // The norm is computed with clipping off too: a non-finite gradient must stop the step either way.
        double norm = GradientClipping.globalNorm(mb.spec, mb.buffers);
        if (!Double.isFinite(norm)) {
            return Float.NaN;
        }
        return clipNorm <= 0 ? 1f : GradientClipping.scale(norm, clipNorm);
    }

    /**
     * Whether {@link #gradientsAndUpdate} runs the fused step (each parameter's update right after the kernel that
     * finishes its gradient): the model was compiled with it, and {@link #FUSED_PROPERTY} is not {@code false}.
     */
    public boolean fused() {
        return model.fusesUpdate() && !"false".equals(System.getProperty(FUSED_PROPERTY));
    }

    /**
     * {@link #gradients} and {@link #apply} with no clipping, in one call of the model's {@code trainAndUpdate}: the
     * same weights, optimizer state and GRAD buffers, but the updates have run before anyone could look at the
     * gradients. The caller checks {@link #gradientsFinite} after it.
     */
    public float gradientsAndUpdate(Dataset bound, int[] order, int from, int count, double lr, long step) {
        mb.fill(bound, order, from, count);
        setHyper(lr, step, 1f);
        model.trainAndUpdate(mb.buffers, count, hyper);
        return mb.lossValue();
    }

    /**
     * After {@link #gradientsAndUpdate}: whether every gradient was finite, as {@link #clipScale} would have found.
     * A model with gradient health has the sum of g^2 of every block of every parameter from its update (a few
     * floats to add); when that sum is not finite, or there is no health, the gradients themselves are read (those
     * float sums also overflow for a finite gradient above 1.8e19, which the double norm does not).
     */
    public boolean gradientsFinite(GradientHealth health) {
        if (health != null && Double.isFinite(health.gradSqSum(mb.buffers))) {
            return true;
        }
        return Double.isFinite(GradientClipping.globalNorm(mb.spec, mb.buffers));
    }

    /**
     * Runs the compiled optimizer on every PARAM from the GRAD and OPT_STATE buffers as they are.
     *
     * @param step      the 1-based optimizer step (Adam's bias correction), counted across resumed runs
     * @param gradScale {@link #clipScale}
     */
    public void apply(double lr, long step, float gradScale) {
        setHyper(lr, step, gradScale);
        model.update(mb.buffers, hyper);
    }

    private void setHyper(double lr, long step, float gradScale) {
        hyper[OptimizerSpec.HYPER_LR] = (float) lr;
        hyper[OptimizerSpec.HYPER_STEP] = step;
        hyper[OptimizerSpec.HYPER_GRAD_SCALE] = gradScale;
    }
}
