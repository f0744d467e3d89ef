package dev.nabla.runtime.train;

/** Hears how training goes; every method has a do-nothing default. */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
    };

    default void epochStarted(int epoch, int epochs, int batches, int samples) {
    }

    /** After each optimizer step; {@code runningLoss} is the mean training loss of the epoch so far. */
    default void batchDone(int batch, int samplesDone, double runningLoss) {
    }

    default void epochDone(EpochStats stats) {
    }

    /** A line of information for the user (data sizes, where the checkpoint went). */
    default void info(String line) {
    }

    /** Training ended before its planned end (early stopping), with a reason for the user. */
    default void stopped(String reason) {
    }
}
