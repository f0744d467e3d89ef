package dev.nabla.runtime.train;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.Schedule;

/**
 * How one training run goes: the model's {@code train} block ({@link #from}) with command-line overrides
 * applied through the {@code with*} methods.
 *
 * @param epochs     passes over the training set (ignored when {@code steps > 0})
 * @param steps      if positive, stop after exactly this many optimizer steps (epochs continue as needed)
 * @param batchSize  mini-batch size
 * @param lr         base learning rate, scaled by the schedule (the optimizer's other constants are compiled in)
 * @param schedule   learning-rate schedule and warm-up
 * @param clipNorm   global gradient-norm threshold, 0 = off
 * @param seed       seed of the shuffles (and, in {@link TrainingRun}, of initialisation and splits)
 * @param shuffle    reshuffle the training set every epoch
 * @param dropLast   skip the last partial batch of each epoch
 * @param patience   early stopping: epochs without a better validation loss before stopping, 0 = off
 * @param threads    kernel threads, 1..64, set on the matrix kernels by {@link TrainingRun#train} (0 = the kernels'
 *                   default, both cores of a 2-core machine)
 * @param firstStep  optimizer steps already taken (fine-tuning or resuming from a checkpoint: Adam's bias
 *                   correction continues)
 * @param firstEpoch epochs already completed when resuming ({@code --resume}): training continues with epoch
 *                   {@code firstEpoch + 1} up to {@code epochs}, with the shuffles, learning-rate schedule and step
 *                   count of the uninterrupted run; 0 otherwise ({@code --init} starts a new run from the weights)
 */
public record TrainOptions(int epochs, long steps, int batchSize, double lr, Schedule schedule, double clipNorm,
                           long seed, boolean shuffle, boolean dropLast, int patience, int threads, long firstStep,
                           int firstEpoch) {

    /** A run that resumes nothing. */
    public TrainOptions(int epochs, long steps, int batchSize, double lr, Schedule schedule, double clipNorm,
                        long seed, boolean shuffle, boolean dropLast, int patience, int threads, long firstStep) {
        this(epochs, steps, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, firstStep, 0);
    }

    public TrainOptions {
        if (batchSize < 1) {
            throw new NablaException("batch size must be at least 1, got " + batchSize);
        }
        if (epochs < 1 && steps < 1) {
            throw new NablaException("nothing to train: epochs and steps are both 0");
        }
        if (threads < 0 || threads > 64) {
            throw new NablaException("threads must be between 1 and 64, got " + threads);
        }
        if (firstStep < 0) {
            throw new NablaException("the step count to start from is negative: " + firstStep);
        }
        if (firstEpoch < 0 || firstEpoch > 0 && firstEpoch >= epochs && steps == 0) {
            throw new NablaException("the checkpoint has completed " + firstEpoch + " epochs of " + epochs
                    + ": nothing is left to resume (ask for more with --epochs)");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new NablaException("learning rate must be a positive number, got " + lr);
        }
    }

    public static TrainOptions from(TrainConfig c) {
        return new TrainOptions(c.epochs(), 0, c.batchSize(), c.optimizer().lr(), c.schedule(), c.clipNorm(), c.seed(),
                c.shuffle(), c.dropLast(), c.earlyStopping(), 0, 0);
    }

    public TrainOptions withEpochs(int n) {
        return new TrainOptions(n, 0, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withSteps(long n) {
        return new TrainOptions(epochs, n, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withBatchSize(int n) {
        return new TrainOptions(epochs, steps, n, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withLr(double x) {
        return new TrainOptions(epochs, steps, batchSize, x, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, s, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withShuffle(boolean b) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, seed, b, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withPatience(int p) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, p, threads, firstStep, firstEpoch);
    }

    public TrainOptions withClipNorm(double c) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, c, seed, shuffle, dropLast, patience, threads, firstStep, firstEpoch);
    }

    public TrainOptions withThreads(int t) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, t, firstStep, firstEpoch);
    }

    public TrainOptions withFirstStep(long s) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads, s, firstEpoch);
    }

    /**
     * Optimizer steps taken before this run that the trainer's own step count does not include: a fine-tuning run
     * counts from 0 after {@code firstStep} earlier steps; a resumed run counts on from {@code firstStep} itself.
     */
    public long stepOffset() {
        return firstEpoch > 0 ? 0 : firstStep;
    }

    /** Continues a run after {@code epoch} completed epochs and {@code step} optimizer steps. */
    public TrainOptions resumingAfter(int epoch, long step) {
        return new TrainOptions(epochs, steps, batchSize, lr, schedule, clipNorm, seed, shuffle, dropLast, patience, threads,
                step, epoch);
    }
}
