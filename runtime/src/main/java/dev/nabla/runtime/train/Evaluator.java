package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Field;

/**
 * Evaluates a model on a labelled dataset with {@link CompiledModel#evaluate}: the inference graph with the loss, so
 * loss, accuracy, confusion matrix and regression errors are those {@code nabla predict}'s outputs give (with batch
 * norm, from the running statistics, whatever the evaluation batch). Parameters and optimizer state stay as they
 * are; STATE buffers are restored afterwards (a model whose evaluate runs trainStep would move them), so evaluating
 * never changes the model.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * {@code buffers} must be allocated for at least {@code batch} rows. The loss covers every target; accuracy and
     * the confusion matrix (or MSE and MAE) are those of one target, {@link ModelBuffers#scored()}.
     */
    public static Evaluation evaluate(CompiledModel model, float[][] buffers, Dataset data, int batch) {
        ModelSpec spec = model.spec();
        ModelBuffers mb = new ModelBuffers(spec, buffers, batch, true);
        Dataset bound = mb.bind(data);
        float[][] state = stateSnapshot(spec, buffers);
        ModelBuffers.Scored scored = mb.scored();
        int output = scored.output();
        Field target = output < 0 ? null : bound.targets().get(scored.target());
        int classes = output < 0 ? 0 : scored.spec().classes();
        boolean binary = output >= 0 && scored.spec().binary();
        int width = target == null ? 0 : target.width();
        int[][] confusion = binary ? new int[2][2] : classes > 0 ? new int[classes][classes] : null;
        double lossSum = 0;
        double squared = 0;
        double absolute = 0;
        int[] order = ModelBuffers.identity(bound.rows());
        for (int from = 0; from < bound.rows(); from += batch) {
            int count = Math.min(batch, bound.rows() - from);
            mb.fill(bound, order, from, count);
            model.evaluate(buffers, count);
            lossSum += (double) mb.lossValue() * count;
            for (int r = 0; r < count && output >= 0; r++) {
                if (confusion != null) {
                    confusion[actual(target.value(from + r, 0), binary)][predicted(buffers[output], r, classes, binary)]++;
                } else {
                    for (int j = 0; j < width; j++) {
                        double e = buffers[output][r * width + j] - target.value(from + r, j);
                        squared += e * e;
                        absolute += Math.abs(e);
                    }
                }
            }
        }
        restoreState(spec, buffers, state);
        int n = bound.rows();
        boolean regression = confusion == null && output >= 0;
        return new Evaluation(n, lossSum / n, confusion == null ? Double.NaN : diagonal(confusion) / (double) n,
                confusion, regression ? squared / ((double) n * width) : Double.NaN,
                regression ? absolute / ((double) n * width) : Double.NaN);
    }

    /**
     * The class the output row {@code r} predicts: the argmax of its {@code classes} values, or for a binary target
     * 1 when its one score (a logit, or a ±1 margin) is above 0.
     */
    public static int predicted(float[] output, int r, int classes, boolean binary) {
        return binary ? (output[r] > 0 ? 1 : 0) : argmax(output, r * classes, classes);
    }

    /** The class of a target value: the label, or for a binary target 1 when above 0 (so 0/1 and ±1 both work). */
    static int actual(float target, boolean binary) {
        return binary ? (target > 0 ? 1 : 0) : (int) target;
    }

    static int argmax(float[] values, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static long diagonal(int[][] confusion) {
        long sum = 0;
        for (int i = 0; i < confusion.length; i++) {
            sum += confusion[i][i];
        }
        return sum;
    }

    private static float[][] stateSnapshot(ModelSpec spec, float[][] buffers) {
        float[][] copy = new float[buffers.length][];
        for (int i : spec.indicesOf(BufferRole.STATE)) {
            copy[i] = buffers[i].clone();
        }
        return copy;
    }

    private static void restoreState(ModelSpec spec, float[][] buffers, float[][] copy) {
        for (int i : spec.indicesOf(BufferRole.STATE)) {
            System.arraycopy(copy[i], 0, buffers[i], 0, copy[i].length);
        }
    }
}
