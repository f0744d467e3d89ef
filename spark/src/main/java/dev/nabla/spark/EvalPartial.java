package dev.nabla.spark;

import dev.nabla.runtime.train.Evaluation;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An {@link Evaluation} of some partitions as sums over samples, which add up across partitions: the loss, the
 * confusion matrix of a classifier, a regression's squared and absolute errors (the per-sample means times the
 * samples; NaN when the model reports none, which stays NaN).
 */
final class EvalPartial implements Serializable {

    static final EvalPartial NONE = new EvalPartial(0, 0, null, 0, 0);

    final long samples;
    final double lossSum;
    /** {@code confusion[actual][predicted]} for classifiers, else {@code null}. */
    final long[][] confusion;
    final double squared;
    final double absolute;

    private EvalPartial(long samples, double lossSum, long[][] confusion, double squared, double absolute) {
        this.samples = samples;
        this.lossSum = lossSum;
        this.confusion = confusion;
        this.squared = squared;
        this.absolute = absolute;
    }

    static EvalPartial of(Evaluation e) {
        long[][] confusion = e.confusion() == null ? null
                : Arrays.stream(e.confusion()).map(row -> Arrays.stream(row).asLongStream().toArray()).toArray(long[][]::new);
        return new EvalPartial(e.samples(), e.loss() * e.samples(), confusion, e.mse() * e.samples(),
                e.mae() * e.samples());
    }

    static EvalPartial merge(EvalPartial a, EvalPartial b) {
        if (a.samples == 0 || b.samples == 0) {
            return a.samples == 0 ? b : a;
        }
        long[][] confusion = null;
        if (a.confusion != null) {
            confusion = new long[a.confusion.length][a.confusion.length];
            for (int i = 0; i < confusion.length; i++) {
                for (int j = 0; j < confusion.length; j++) {
                    confusion[i][j] = a.confusion[i][j] + b.confusion[i][j];
                }
            }
        }
        return new EvalPartial(a.samples + b.samples, a.lossSum + b.lossSum, confusion, a.squared + b.squared,
                a.absolute + b.absolute);
    }

    Evaluation evaluation() {
        int[][] counts = null;
        double accuracy = Double.NaN;
        if (confusion != null) {
            counts = new int[confusion.length][confusion.length];
            long right = 0;
            for (int i = 0; i < counts.length; i++) {
                for (int j = 0; j < counts.length; j++) {
                    counts[i][j] = Math.toIntExact(confusion[i][j]);
                }
                right += confusion[i][i];
            }
            accuracy = right / (double) samples;
        }
        return new Evaluation(Math.toIntExact(samples), lossSum / samples, accuracy, counts, squared / samples,
                absolute / samples);
    }
}
