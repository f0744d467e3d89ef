package dev.nabla.runtime.train;

import dev.nabla.runtime.data.Dataset;

/**
 * Counts correctly classified rows of the batches being trained, from the class probabilities {@code trainStep}
 * already wrote into the model's OUTPUT: the forward pass is not run again.
 */
final class TrainAccuracy {

    private final int classes;
    private final int output;

    TrainAccuracy(ModelBuffers mb) {
        this.classes = mb.targetSpec().classes();
        this.output = classes > 0 ? mb.outputOfWidth(classes) : -1;
    }

    /** Whether the model is a classifier with an output of one value per class. */
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
            int predicted = Evaluator.argmax(buffers[output], r * classes, classes);
            right += predicted == (int) data.target(order[from + r], 0) ? 1 : 0;
        }
        return right;
    }
}
