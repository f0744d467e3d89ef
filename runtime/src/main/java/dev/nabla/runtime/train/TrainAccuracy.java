package dev.nabla.runtime.train;

/**
 * Counts correctly classified rows of the batches being trained, from the class probabilities {@code trainStep}
 * already wrote into the model's OUTPUT and the labels the step read from its TARGET: neither the forward pass nor
 * the dataset is read again. With several targets, the one {@link ModelBuffers#scored()} picks.
 *
 * <p>The labels come from the TARGET buffer, not from the dataset through the epoch's shuffled order: there they were
 * 128 reads at random places of an array the step's other data had pushed out of the caches, 12-24 µs a step on W1
 * at two threads (about 1% of it), against 6.6-8 µs now; the TARGET buffer holds the same values in a row
 * (docs/benchmarks.md).
 */
final class TrainAccuracy {

    private final ModelBuffers.Scored scored;
    /** The scored target's TARGET buffer, or -1 when the model does not classify. */
    private final int labels;

    TrainAccuracy(ModelBuffers mb) {
        this.scored = mb.scored();
        this.labels = classifier() ? mb.targets[scored.target()] : -1;
    }

    /** Whether the model is a classifier with an output of one value per class (one score for a binary target). */
    boolean classifier() {
        return scored.classifier();
    }

    /** Correct predictions among the first {@code count} rows of {@code buffers}, after {@code trainStep} ran on them. */
    int correct(float[][] buffers, int count) {
        if (!classifier()) {
            return 0;
        }
        float[] output = buffers[scored.output()];
        float[] target = buffers[labels];
        int width = scored.spec().rowSize();
        int classes = scored.spec().classes();
        boolean binary = scored.spec().binary();
        int right = 0;
        for (int r = 0; r < count; r++) {
            int predicted = Evaluator.predicted(output, r, classes, binary);
            right += predicted == Evaluator.actual(target[r * width], binary) ? 1 : 0;
        }
        return right;
    }
}
