package dev.nabla.runtime.train;

/**
 * One epoch of a run. Validation fields are NaN without a validation set; accuracies are NaN for regression.
 *
 * @param trainAccuracy accuracy on the training batches as they were trained (weights changing during the epoch,
 *                      as Keras reports it)
 * @param step      optimizer steps taken so far in this run
 * @param samples   training samples seen this epoch
 * @param health    the epoch's gradient health, null when the model was compiled without it
 */
public record EpochStats(int epoch, int epochs, long step, int samples, double trainLoss, double trainAccuracy, double valLoss,
                         double valAccuracy, double lr, double seconds, EpochHealth health) {

    /** An epoch without gradient health. */
    public EpochStats(int epoch, int epochs, long step, int samples, double trainLoss, double trainAccuracy, double valLoss,
                      double valAccuracy, double lr, double seconds) {
        this(epoch, epochs, step, samples, trainLoss, trainAccuracy, valLoss, valAccuracy, lr, seconds, null);
    }

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }

    /** "epoch 3/30  train loss 0.4321  val loss 0.5000  val acc 91.23%  0.8 s  12345 samples/s". */
    public String summary() {
        StringBuilder s = new StringBuilder(String.format("epoch %d/%d  train loss %.4f", epoch, epochs, trainLoss));
        if (!Double.isNaN(trainAccuracy)) {
            s.append(String.format("  train acc %.2f%%", 100 * trainAccuracy));
        }
        if (!Double.isNaN(valLoss)) {
            s.append(String.format("  val loss %.4f", valLoss));
        }
        if (!Double.isNaN(valAccuracy)) {
            s.append(String.format("  val acc %.2f%%", 100 * valAccuracy));
        }
        return s.append(String.format("  %.1f s  %.0f samples/s", seconds, samplesPerSecond())).toString();
    }
}
