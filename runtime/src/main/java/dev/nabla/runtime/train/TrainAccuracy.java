package dev.nabla.runtime.train;

import dev.nabla.runtime.data.Dataset;

/**
 * Counts correctly classified rows of the batches being trained, from the class probabilities {@code trainStep}
 * already wrote into the model's OUTPUT: the forward pass is not run again.
 */
final class TrainAccuracy {

    private final int classes;
    private final boolean binary;
    private final int output;

    TrainAccuracy(ModelBuffers mb) {
        this.classes = mb.targetSpec().classes();
        this.binary = mb.targetSpec().binary();
        this.output = binary ? mb.outputOfWidth(1) : classes > 0 ? mb.outputOfWidth(classes) : -1;
    }

    /** Whether the model is a classifier with an output of one value per class (one score for a binary target). */
    boolean classifier() {
        return output >= 0;
    }

    /** Correct predictions among rows {@code order[from..from+count)} after {@code trainStep} ran on them. */
    int correct(float[][] buffers, Dataset data, int[] order, int from, int count) {
        if (output < 0) {
            return 0;
        }
        int right = 0;
        for (int r = 0; r < count; r++) {
            int predicted = Evaluator.predicted(buffers[output], r, classes, binary);
            right += predicted == Evaluator.actual(data.target(order[from + r], 0), binary) ? 1 : 0;
        }
        return right;
    }
}
