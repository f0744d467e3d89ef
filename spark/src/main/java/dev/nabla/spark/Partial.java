package dev.nabla.spark;

import java.io.Serializable;

/**
 * One partition's share of a step, or several partitions' merged: how many rows of the global batch it covers,
 * and over those rows the mean loss, the mean gradient of every parameter (the GRAD buffers end to end), the STATE
 * buffers after the step (batch-norm running statistics, the random step) and the correct classifications. Means
 * merge weighted by rows, so the merge of all partitions is what one machine computes for the whole batch up to
 * float rounding (see {@link dev.nabla.runtime.train.TrainingStep}); a partition with no rows of the batch merges as
 * nothing.
 */
final class Partial implements Serializable {

    static final Partial NONE = new Partial(0, 0, 0, null, null, 0);

    final int rows;
    final double loss;
    final long correct;
    final float[] gradient;
    final float[] state;
    /** The longest time one task spent computing, in nanoseconds (for the step's timing report). */
    final long computeNanos;

    Partial(int rows, double loss, long correct, float[] gradient, float[] state, long computeNanos) {
        this.rows = rows;
        this.loss = loss;
        this.correct = correct;
        this.gradient = gradient;
        this.state = state;
        this.computeNanos = computeNanos;
    }

    /** Weighted by rows; each element in double, rounded once to float. */
    static Partial merge(Partial a, Partial b) {
        long nanos = Math.max(a.computeNanos, b.computeNanos);
        if (a.rows == 0 || b.rows == 0) {
            Partial kept = a.rows == 0 ? b : a;
            return new Partial(kept.rows, kept.loss, kept.correct, kept.gradient, kept.state, nanos);
        }
        int rows = a.rows + b.rows;
        return new Partial(rows, ((double) a.rows * a.loss + (double) b.rows * b.loss) / rows, a.correct + b.correct,
                mean(a.gradient, a.rows, b.gradient, b.rows), mean(a.state, a.rows, b.state, b.rows), nanos);
    }

    private static float[] mean(float[] x, int nx, float[] y, int ny) {
        float[] out = new float[x.length];
        double total = nx + ny;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((nx * (double) x[i] + ny * (double) y[i]) / total);
        }
        return out;
    }
}
