package dev.nabla.runtime.train;

import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Field;

/**
 * Counts correctly classified rows of the batches being trained, from the class probabilities {@code trainStep}
 * already wrote into the model's OUTPUT: the forward pass is not run again. With several targets, the one
 * {@link ModelBuffers#scored()} picks.
 */
final class TrainAccuracy {

    private final ModelBuffers.Scored scored;

    TrainAccuracy(ModelBuffers mb) {
        this.scored = mb.scored();
    }

    /** Whether the model is a classifier with an output of one value per class (one score for a binary target). */
    boolean classifier() {
        return scored.classifier();
    }

    /** Correct predictions among rows {@code order[from..from+count)} of a bound dataset after {@code trainStep} ran on them. */
    int correct(float[][] buffers, Dataset bound, int[] order, int from, int count) {
        if (!classifier()) {
            return 0;
        }
        Field target = bound.targets().get(scored.target());
        boolean binary = scored.spec().binary();
        int right = 0;
        for (int r = 0; r < count; r++) {
            int predicted = Evaluator.predicted(buffers[scored.output()], r, scored.spec().classes(), binary);
            right += predicted == Evaluator.actual(target.value(order[from + r], 0), binary) ? 1 : 0;
        }
        return right;
    }
}
