package dev.nabla.runtime.train;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.init.Rng;
import dev.nabla.runtime.optim.LrSchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Mini-batch training of a {@link CompiledModel} on in-memory datasets: per step it copies a batch into the
 * INPUT and TARGET buffers, runs {@code trainStep}, checks the loss, computes the clipping factor and calls
 * {@code update} with {@code [lr, step, gradScale]} (the two halves of {@link TrainingStep}); without clipping it runs
 * the model's fused {@code trainAndUpdate} instead and checks the loss and gradients after it. The shuffle of epoch {@code e} is a permutation drawn from
 * {@code (seed, "shuffle/e")}, so a run is a pure function of seed, data and the model's kernels; a run resumed after
 * epoch e ({@link TrainOptions#firstEpoch}) continues with epoch e + 1's shuffle, schedule and step count, and ends
 * with the weights of the uninterrupted run.
 *
 * <p>A non-finite loss stops the run with a {@link NablaException} naming epoch and step and, through the
 * {@link DivergenceProbe}, the op that first produced a non-finite value; the buffers are then rolled back to the
 * last completed epoch, which is also what the {@link EpochListener} last saved.
 */
public final class Trainer {

    /** Called after every epoch with the weights in the buffers, e.g. to save a checkpoint. */
    public interface EpochListener {
        /**
         * @param best with early stopping, whether this epoch has the best validation loss so far (always true
         *             without early stopping)
         */
        void epochEnded(EpochStats stats, boolean best);
    }

    private final CompiledModel model;
    private final TrainOptions options;
    private final ProgressListener progress;
    private final EpochListener epochListener;
    private final DivergenceProbe probe;

    public Trainer(CompiledModel model, TrainOptions options, ProgressListener progress, EpochListener epochListener) {
        this(model, options, progress, epochListener, DivergenceProbe.NONE);
    }

    /** With {@code probe} to name the op behind a non-finite loss. */
    public Trainer(CompiledModel model, TrainOptions options, ProgressListener progress, EpochListener epochListener,
                   DivergenceProbe probe) {
        this.model = model;
        this.options = options;
        this.progress = progress;
        this.epochListener = epochListener;
        this.probe = probe;
    }

    /**
     * Trains in place: {@code buffers} (from {@code spec.allocate(batchSize)}) hold initialised or loaded weights
     * before and the trained ones after. {@code validation} may be null.
     */
    public TrainResult train(float[][] buffers, Dataset train, Dataset validation) {
        TrainingStep halves = new TrainingStep(model, buffers, options.batchSize());
        Dataset bound = halves.bind(train);
        if (options.patience() > 0 && validation == null) {
            throw new NablaException("early stopping needs a validation set (validation = FRACTION in the train block, or --val)");
        }
        int batch = options.batchSize();
        int stepsPerEpoch = options.dropLast() ? train.rows() / batch : (train.rows() + batch - 1) / batch;
        if (stepsPerEpoch == 0) {
            throw new NablaException(train.source() + ": " + train.rows() + " samples are fewer than one batch of " + batch
                    + (options.dropLast() ? " with drop_last" : ""));
        }
        long totalSteps = options.steps() > 0 ? options.steps() : (long) options.epochs() * stepsPerEpoch;
        int epochs = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        Run run = new Run(halves, bound, validation, new LrSchedule(options.schedule(), options.lr(), stepsPerEpoch, totalSteps),
                stepsPerEpoch, totalSteps, epochs);
        return run.all();
    }

    /** The mutable state of one run. */
    private final class Run {
        final TrainingStep halves;
        final ModelBuffers mb;
        /** Bound to the model: its fields in the order of the model's inputs and targets. */
        final Dataset train;
        final Dataset validation;
        final LrSchedule schedule;
        final int stepsPerEpoch;
        final long totalSteps;
        final int epochs;
        final List<EpochStats> history = new ArrayList<>();
        /** Null when the model was compiled without gradient health. */
        final GradientHealth health;
        /**
         * Whether each step is the model's fused trainAndUpdate. Clipping by the global norm needs that norm before
         * any update, so with clipping the step keeps its two halves (as Spark's data-parallel step always does: it
         * sums the workers' gradients before one update); see docs/passes.md, "The fused update".
         */
        final boolean fused;
        /** Optimizer steps of this run, from the first run's first step when resuming. */
        long step = options.firstEpoch() > 0 ? options.firstStep() : 0;
        double bestValLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
        float[][] best;

        Run(TrainingStep halves, Dataset train, Dataset validation, LrSchedule schedule, int stepsPerEpoch, long totalSteps,
            int epochs) {
            this.halves = halves;
            this.mb = halves.mb;
            this.train = train;
            this.validation = validation;
            this.schedule = schedule;
            this.stepsPerEpoch = stepsPerEpoch;
            this.totalSteps = totalSteps;
            this.epochs = epochs;
            this.health = GradientHealth.of(mb.spec);
            this.fused = options.clipNorm() <= 0 && halves.fused();
        }

        TrainResult all() {
            for (int epoch = options.firstEpoch() + 1; epoch <= epochs; epoch++) {
                EpochStats stats = epoch(epoch);
                history.add(stats);
                boolean improved = options.patience() == 0 || stats.valLoss() < bestValLoss;
                if (options.patience() > 0 && improved) {
                    bestValLoss = stats.valLoss();
                    bestEpoch = epoch;
                    best = mb.snapshot();
                }
                if (options.patience() == 0) {
                    bestEpoch = epoch;
                }
                progress.epochDone(stats);
                epochListener.epochEnded(stats, improved);
                if (options.patience() > 0 && epoch - bestEpoch >= options.patience() && epoch < epochs) {
                    return stopEarly(epoch);
                }
            }
            if (best != null) {
                mb.restore(best);
            }
            return new TrainResult(history, step, bestEpoch, null);
        }

        private TrainResult stopEarly(int epoch) {
            if (best == null) {
                String reason = "early stopping after epoch " + epoch + ": the validation loss was never a finite number";
                progress.stopped(reason);
                return new TrainResult(history, step, epoch, reason);
            }
            mb.restore(best);
            String reason = String.format("early stopping after epoch %d: the validation loss has not improved for %d epochs;"
                    + " keeping the weights of epoch %d (val loss %.4f)", epoch, options.patience(), bestEpoch, bestValLoss);
            progress.stopped(reason);
            return new TrainResult(history, step, bestEpoch, reason);
        }

        private EpochStats epoch(int epoch) {
            long start = System.nanoTime();
            int[] order = options.shuffle() ? Rng.derive(options.seed(), "shuffle/" + epoch).permutation(train.rows())
                    : ModelBuffers.identity(train.rows());
            int batches = (int) Math.min(stepsPerEpoch, totalSteps - step);
            progress.epochStarted(epoch, epochs, batches, Math.min(train.rows(), batches * options.batchSize()));
            float[][] lastGood = mb.snapshot();
            double lossSum = 0;
            int seen = 0;
            long correct = 0;
            double lr = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * options.batchSize();
                int count = Math.min(options.batchSize(), train.rows() - from);
                lr = schedule.lrAt(step);
                int next = from + options.batchSize();
                if (b + 1 < batches) {
                    // the next batch's rows, gathered by the helper threads between this step's products
                    halves.gatherAhead(train, order, next, Math.min(options.batchSize(), train.rows() - next));
                }
                float loss = fused ? fusedStep(order, b, count, lr, epoch, lastGood) : step(order, from, count, lr, epoch, lastGood);
                lossSum += (double) loss * count;
                correct += halves.correct(count);
                seen += count;
                progress.batchDone(b + 1, seen, lossSum / seen);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation val = validation == null ? null : Evaluator.evaluate(model, mb.buffers, validation, options.batchSize());
            return new EpochStats(epoch, epochs, step, seen, lossSum / seen,
                    halves.classifier() ? correct / (double) seen : Double.NaN, val == null ? Double.NaN : val.loss(),
                    val == null ? Double.NaN : val.accuracy(), lr, seconds, health == null ? null : health.endEpoch());
        }

        private float step(int[] order, int from, int count, double lr, int epoch, float[][] lastGood) {
            float loss = halves.gradients(train, order, from, count);
            if (health != null) {
                health.afterTrainStep(mb.buffers);
            }
            // clipScale looks at the gradients' norm on every step, clipping or not: a non-finite gradient with a
            // finite loss would otherwise surface one step later as non-finite weights, the op that made it out of sight.
            float scale = halves.clipScale(options.clipNorm());
            if (!Float.isFinite(loss) || Float.isNaN(scale)) {
                DivergenceProbe.Finding finding = probe(count);
                mb.restore(lastGood);
                throw diverged(epoch, loss, lr, finding);
            }
            halves.apply(lr, options.stepOffset() + step + 1, scale);
            if (health != null) {
                health.afterUpdate(mb.buffers, scale < 1f);
            }
            step++;
            return loss;
        }

        /** Step {@code b} of the epoch as one fused call; a divergence is found again by {@link #replay}. */
        private float fusedStep(int[] order, int b, int count, double lr, int epoch, float[][] lastGood) {
            float loss = halves.gradientsAndUpdate(train, order, b * options.batchSize(), count, lr,
                    options.stepOffset() + step + 1);
            if (health != null) {
                health.afterTrainStep(mb.buffers);
            }
            if (!Float.isFinite(loss) || !halves.gradientsFinite(health)) {
                return replay(order, b, epoch, lastGood);
            }
            if (health != null) {
                health.afterUpdate(mb.buffers, false);
            }
            step++;
            return loss;
        }

        /**
         * After a fused step {@code b} saw a non-finite loss or gradient: its updates already ran, so the weights it
         * diverged with are gone. The epoch's steps before it are run again from the epoch's snapshot with the two
         * halves, which compute bit for bit what the fused calls computed (a run is a pure function of seed, data
         * and kernels; dropout's step state is restored with the weights), and step {@code b} as {@link #step} runs
         * it: the divergence is probed with the weights it happened with and reported as without the fused step.
         * Gradient health already holds the steps before b; step b's activity is recorded again, which changes
         * nothing. Costs up to one epoch, once, when training has failed anyway.
         */
        private float replay(int[] order, int b, int epoch, float[][] lastGood) {
            mb.restore(lastGood);
            step -= b;
            for (int redo = 0; redo < b; redo++) {
                int from = redo * options.batchSize();
                halves.gradients(train, order, from, Math.min(options.batchSize(), train.rows() - from));
                halves.apply(schedule.lrAt(step), options.stepOffset() + step + 1, 1f);
                step++;
            }
            int from = b * options.batchSize();
            return step(order, from, Math.min(options.batchSize(), train.rows() - from), schedule.lrAt(step), epoch, lastGood);
        }

        /** The probe's finding; a probe that fails itself must not hide the divergence it was asked about. */
        private DivergenceProbe.Finding probe(int count) {
            try {
                return probe.probe(mb.buffers, count);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                return null;
            }
        }

        private NablaException diverged(int epoch, float loss, double lr, DivergenceProbe.Finding finding) {
            String what = Float.isFinite(loss) ? "the gradient norm is not finite" : "the loss is " + loss;
            String kept = history.isEmpty() ? "no epoch completed, so no checkpoint was written"
                    : "the weights are rolled back to the end of epoch " + (epoch - 1) + " and the last checkpoint saved is kept";
            // What gradient health saw on the steps of this epoch before the loss broke says where it went wrong.
            String seen = health == null ? "" : health.endEpoch().warnings().stream()
                    .map(w -> "\n  warning: " + w).collect(java.util.stream.Collectors.joining());
            String head = String.format("training diverged at epoch %d, step %d: %s", epoch, options.stepOffset() + step + 1, what);
            String lower = String.format("Try a lower learning rate (this run used %.4g, e.g. --lr %.4g).", lr, options.lr() / 10);
            if (finding == null) {
                return new NablaException(head + "; " + kept + ". " + lower + seen);
            }
            boolean updated = step > (options.firstEpoch() > 0 ? options.firstStep() : 0);
            String cause = DivergenceMessages.cause(finding);
            if (finding.phase() == DivergenceProbe.Phase.WEIGHTS || finding.overflowOnly() && updated) {
                return new NablaException(head + "; " + cause + "; " + kept + ". " + lower + seen);
            }
            String why = finding.overflowOnly()
                    ? "no update has been made yet in this run, so the learning rate is not the cause: the model's values"
                    + " outgrow float32 with these weights and this batch"
                    : "the model computes an undefined value on this batch, whatever the learning rate: check the"
                    + " operation's inputs at that line (their domain, the data's preprocessing)";
            return new NablaException(head + "; " + cause + "; " + why + "; " + kept + "." + seen);
        }
    }
}
