package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.init.Rng;
import dev.nabla.runtime.optim.LrSchedule;
import dev.nabla.runtime.train.BufferGroup;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainResult;
import dev.nabla.runtime.train.TrainingStep;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's loop of synchronous data-parallel SGD. Each step it broadcasts the PARAM and STATE buffers, runs one
 * task per partition that computes the loss and gradient of the partition's rows of the global batch
 * ({@link Worker#gradients}), merges the tasks' results in partition order ({@link Combine}), and applies the
 * compiled optimizer to the merged gradient on the driver, which alone keeps the optimizer state. Batches, epochs,
 * the learning-rate schedule, clipping, the divergence check and early stopping are those of the runtime's
 * {@link dev.nabla.runtime.train.Trainer}: the epoch-{@code e} shuffle is the permutation of {@code (seed,
 * "shuffle/e")} over the rows' positions, so one machine and any number of partitions train on the same batches.
 */
final class SynchronousSgd {

    private final JavaSparkContext sc;
    private final ModelSpec spec;
    private final ShardedData train;
    private final ShardedData validation;
    private final SparkOptions options;
    private final TrainOptions o;
    private final Map<String, String> metadata;
    private final ProgressListener progress;
    private final TrainingStep halves;
    private final BufferGroup weights;
    private final BufferGroup gradients;
    private final BufferGroup state;
    /** What a checkpoint holds, for rolling back. */
    private final BufferGroup saved;
    private final Broadcast<CompiledJar.Shipment> shipment;
    private StepTimings timings = StepTimings.NONE;

    /**
     * @param buffers  the model's buffers from {@code spec.allocate(1)}, holding the initial weights
     * @param metadata the checkpoint's metadata without epoch and step
     */
    SynchronousSgd(JavaSparkContext sc, CompiledJar jar, CompiledModel model, float[][] buffers, ShardedData train,
                   ShardedData validation, SparkOptions options, TrainOptions o, Map<String, String> metadata) {
        this.sc = sc;
        this.spec = model.spec();
        this.train = train;
        this.validation = validation;
        this.options = options;
        this.o = o;
        this.metadata = new LinkedHashMap<>(metadata);
        this.progress = options.progress();
        this.halves = new TrainingStep(model, buffers, 1);
        this.weights = BufferGroup.of(spec, BufferRole.PARAM, BufferRole.STATE);
        this.gradients = BufferGroup.of(spec, BufferRole.GRAD);
        this.state = BufferGroup.of(spec, BufferRole.STATE);
        this.saved = BufferGroup.of(spec, BufferRole.PARAM, BufferRole.STATE, BufferRole.OPT_STATE);
        this.shipment = sc.broadcast(jar.shipment());
    }

    /**
     * Trains; {@code resumeStep} is the step the run continues from ({@code withResume}), or -1 for a new run.
     *
     * @throws NablaException when the loss or the gradient norm is not finite (the weights are then those of the last
     *                        completed epoch), or the checkpoint resumed from has done every step
     */
    SparkTrainResult run(long resumeStep) {
        try {
            return loop(resumeStep);
        } finally {
            shipment.destroy();
        }
    }

    private SparkTrainResult loop(long resumeStep) {
        int n = train.rows;
        int batch = o.batchSize();
        int stepsPerEpoch = o.dropLast() ? n / batch : (n + batch - 1) / batch;
        if (stepsPerEpoch == 0) {
            throw new NablaException("the training data's " + n + " samples are fewer than one batch of " + batch
                    + (o.dropLast() ? " with drop_last" : ""));
        }
        if (o.patience() > 0 && validation == null) {
            throw new NablaException("early stopping needs a validation set (SparkOptions.withValidation, or --val)");
        }
        long total = o.steps() > 0 ? o.steps() : (long) o.epochs() * stepsPerEpoch;
        int epochs = (int) ((total + stepsPerEpoch - 1) / stepsPerEpoch);
        long step = Math.max(0, resumeStep);
        if (step >= total) {
            throw new NablaException("the checkpoint is at step " + step + " of " + total + ": nothing is left to resume"
                    + " (ask for more epochs or steps)");
        }
        long offset = resumeStep >= 0 ? 0 : o.firstStep();
        LrSchedule schedule = new LrSchedule(o.schedule(), o.lr(), stepsPerEpoch, total);
        timings = timings.withBytes(4L * weights.size(), 4L * (gradients.size() + state.size()));
        List<EpochStats> history = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        long bestStep = offset + step;
        float[] best = null;
        String stopReason = null;
        int firstEpoch = (int) (step / stepsPerEpoch) + 1;
        for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            int[] order = o.shuffle() ? Rng.derive(o.seed(), "shuffle/" + epoch).permutation(n) : identity(n);
            int first = epoch == firstEpoch ? (int) (step % stepsPerEpoch) : 0;
            int batches = (int) Math.min(stepsPerEpoch, total - (long) (epoch - 1) * stepsPerEpoch);
            progress.epochStarted(epoch, epochs, batches - first, Math.min(n - first * batch, (batches - first) * batch));
            float[] lastGood = saved.pack(halves.buffers());
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            double lr = 0;
            for (int b = first; b < batches; b++) {
                int from = b * batch;
                int count = Math.min(batch, n - from);
                lr = schedule.lrAt(step);
                Partial p = step(Arrays.copyOfRange(order, from, from + count), step, lr, offset, lastGood, epoch);
                lossSum += p.loss * count;
                correct += p.correct;
                seen += count;
                step++;
                if (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0) {
                    save((int) (step / stepsPerEpoch), offset + step);
                }
                progress.batchDone(b - first + 1, seen, lossSum / seen);
            }
            Evaluation val = validation == null ? null : evaluate(validation);
            EpochStats stats = new EpochStats(epoch, epochs, step, seen, lossSum / seen,
                    halves.classifier() ? correct / (double) seen : Double.NaN, val == null ? Double.NaN : val.loss(),
                    val == null ? Double.NaN : val.accuracy(), lr, (System.nanoTime() - start) / 1e9);
            history.add(stats);
            boolean improved = o.patience() == 0 || stats.valLoss() < bestLoss;
            if (o.patience() > 0 && improved) {
                bestLoss = stats.valLoss();
                best = saved.pack(halves.buffers());
            }
            if (improved) {
                bestEpoch = epoch;
                bestStep = offset + step;
                save(epoch, bestStep);
            }
            progress.epochDone(stats);
            if (o.patience() > 0 && epoch - bestEpoch >= o.patience() && epoch < epochs) {
                stopReason = String.format("early stopping after epoch %d: the validation loss has not improved for %d"
                        + " epochs; keeping the weights of epoch %d (val loss %.4f)", epoch, o.patience(), bestEpoch, bestLoss);
                progress.stopped(stopReason);
                break;
            }
        }
        if (best != null) {
            saved.unpack(best, halves.buffers());
            save(bestEpoch, bestStep); // a checkpoint every N steps may have written later weights since
        }
        long stepsOfRun = step - Math.max(0, resumeStep);
        return new SparkTrainResult(spec, halves.buffers(), withPosition(bestEpoch, bestStep), new TrainResult(history,
                stepsOfRun, bestEpoch, stopReason), timings, options.save());
    }

    /** One synchronous step over all partitions; returns the merged loss and accuracy count. */
    private Partial step(int[] batch, long step, double lr, long offset, float[] lastGood, int epoch) {
        long t0 = System.nanoTime();
        Broadcast<float[]> down = sc.broadcast(weights.pack(halves.buffers()));
        long t1 = System.nanoTime();
        GradientTask task = new GradientTask(shipment, down, batch, o.batchSize(), o.threads(), options.hook(), step);
        JavaRDD<Partial> partials = train.shards.mapPartitionsWithIndex(task, true);
        Partial p;
        try {
            p = Errors.unwrapped(() -> Combine.inOrder(partials, options.fanIn(), Partial::merge));
        } finally {
            down.destroy();
        }
        long t2 = System.nanoTime();
        if (p.rows != batch.length) {
            throw new IllegalStateException("the partitions returned " + p.rows + " rows of a batch of " + batch.length);
        }
        gradients.unpack(p.gradient, halves.buffers());
        state.unpack(p.state, halves.buffers());
        float scale = halves.clipScale(o.clipNorm());
        if (!Double.isFinite(p.loss) || Float.isNaN(scale)) {
            saved.unpack(lastGood, halves.buffers());
            String what = Double.isFinite(p.loss) ? "the gradient norm is not finite" : "the loss is " + p.loss;
            throw new NablaException(String.format("training diverged at epoch %d, step %d: %s; the weights are rolled"
                    + " back to the start of epoch %d. Try a lower learning rate (this run used %.4g, e.g. --lr %.4g).",
                    epoch, offset + step + 1, what, epoch, lr, o.lr() / 10));
        }
        halves.apply(lr, offset + step + 1, scale);
        timings = timings.plus(t1 - t0, t2 - t1, p.computeNanos, System.nanoTime() - t2);
        return p;
    }

    private Evaluation evaluate(ShardedData data) {
        Broadcast<float[]> down = sc.broadcast(weights.pack(halves.buffers()));
        try {
            return data.evaluate(shipment, down, o.batchSize(), o.threads(), options.fanIn()).evaluation();
        } finally {
            down.destroy();
        }
    }

    private void save(int epoch, long step) {
        if (options.save() != null) {
            Checkpoint.save(options.save(), spec, halves.buffers(), withPosition(epoch, step));
        }
    }

    private Map<String, String> withPosition(int epoch, long step) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put("epoch", Integer.toString(epoch));
        m.put("step", Long.toString(step));
        return m;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }

    /** One partition's part of one step, run on an executor. */
    private record GradientTask(Broadcast<CompiledJar.Shipment> model, Broadcast<float[]> weights, int[] batch,
                                int maxBatch, int threads, TaskHook hook, long step)
            implements Function2<Integer, Iterator<Shard>, Iterator<Partial>> {

        @Override
        public Iterator<Partial> call(Integer partition, Iterator<Shard> shards) {
            hook.beforeStep(step, partition);
            Shard shard = shards.next();
            return List.of(Worker.of(model.value(), maxBatch, threads).gradients(shard, weights.value(), batch)).iterator();
        }
    }
}
