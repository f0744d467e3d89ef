package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.BufferGroup;
import dev.nabla.runtime.train.Evaluator;
import dev.nabla.runtime.train.TrainingStep;

import java.util.HashMap;
import java.util.Map;

/**
 * What one executor thread keeps between tasks for one model: the kernels (shared by the JVM), buffers sized for a
 * whole global batch (a partition may hold all of one), and the step halves over them. Tasks on other threads have
 * workers of their own, so tasks of one executor run side by side.
 */
final class Worker {

    private static final ThreadLocal<Map<String, Worker>> WORKERS = ThreadLocal.withInitial(HashMap::new);

    private final CompiledModel model;
    private final TrainingStep step;
    /** PARAM and STATE, as the driver broadcasts them. */
    private final BufferGroup weights;
    private final BufferGroup gradients;
    private final BufferGroup state;
    private final int maxBatch;

    private Worker(CompiledModel model, int maxBatch) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.step = new TrainingStep(model, model.spec().allocate(maxBatch), maxBatch);
        this.weights = BufferGroup.of(model.spec(), BufferRole.PARAM, BufferRole.STATE);
        this.gradients = BufferGroup.of(model.spec(), BufferRole.GRAD);
        this.state = BufferGroup.of(model.spec(), BufferRole.STATE);
    }

    /**
     * This thread's worker for the shipped model and batch size.
     *
     * @param threads kernel threads per task (0 = 1: an executor already runs one task per core)
     */
    static Worker of(CompiledJar.Shipment shipment, int maxBatch, int threads) {
        int wanted = threads > 0 ? threads : 1;
        if (Gemm.threads() != wanted) {
            Gemm.setThreads(wanted);
        }
        return WORKERS.get().computeIfAbsent(shipment.key() + "@" + maxBatch,
                k -> new Worker(LoadedModels.get(shipment), maxBatch));
    }

    /** Loss, gradient and state of the shard's rows among {@code batch} (positions in the whole data set). */
    Partial gradients(Shard shard, float[] broadcastWeights, int[] batch) {
        long start = System.nanoTime();
        int[] local = shard.localRows(batch);
        if (local.length == 0) {
            return new Partial(0, 0, 0, null, null, System.nanoTime() - start);
        }
        float[][] buffers = step.buffers();
        weights.unpack(broadcastWeights, buffers);
        Dataset bound = step.bind(shard.dataset());
        float loss = step.gradients(bound, local, 0, local.length);
        int correct = step.correct(local.length);
        return new Partial(local.length, loss, correct, gradients.pack(buffers), state.pack(buffers),
                System.nanoTime() - start);
    }

    /** The model with the broadcast weights on every row of the shard, in chunks of the batch size. */
    EvalPartial evaluate(Shard shard, float[] broadcastWeights) {
        if (shard.rows() == 0) {
            return EvalPartial.NONE;
        }
        weights.unpack(broadcastWeights, step.buffers());
        return EvalPartial.of(Evaluator.evaluate(model, step.buffers(), shard.dataset(), maxBatch));
    }
}
