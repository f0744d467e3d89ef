package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Digits ({@code samples/digits.nabla}: dense 64-64-10, L2 on the weights, SGD with momentum) with a global batch of
 * 128 trained for 15 steps, which go through epoch 1 (11 full batches and one of 29 rows) into epoch 2 and its new
 * shuffle: on 1, 2 and 4 partitions against single-process {@code nabla train} ({@link TrainingRun}) with the same
 * seed and global batch; retried tasks; a run killed and resumed from its last checkpoint.
 */
class SynchronousSgdTest {

    private static final int STEPS = 15;
    /** Set by a task hook on the first attempt of one task; tasks run in this JVM ({@code local} mode). */
    private static final AtomicInteger INJECTED = new AtomicInteger();

    private static SparkSession spark;
    private static Path jar;
    private static CompiledModel model;
    private static TrainOptions options;
    private static TrainingRun.Split split;
    private static Preprocessing preprocessing;
    private static Map<String, Safetensors.Tensor> singleProcess;
    private static Map<String, Safetensors.Tensor> initial;
    private static SparkTrainResult twoPartitions;

    @BeforeAll
    static void trainOnOneMachine(@TempDir Path dir) {
        spark = LocalSpark.session();
        jar = LocalSpark.jar("digits");
        model = LoadedModels.get(CompiledJar.read(jar, null).shipment());
        ModelSpec spec = model.spec();
        options = TrainOptions.from(spec.train()).withBatchSize(128).withSteps(STEPS);
        TrainingRun.Request request = new TrainingRun.Request(null, null, options, null, dir.resolve("one.safetensors"),
                null, null);
        TrainingRun.train(model, request, ProgressListener.NONE);
        singleProcess = Safetensors.read(dir.resolve("one.safetensors")).tensors();
        TrainingRun.train(model, new TrainingRun.Request(null, null, options.withSteps(1).withLr(1e-30), null,
                dir.resolve("initial.safetensors"), null, null), ProgressListener.NONE);
        initial = Safetensors.read(dir.resolve("initial.safetensors")).tensors();
        split = TrainingRun.split(spec, request, options.seed());
        preprocessing = Preprocessing.fit(spec.train().preprocess(), split.train());
    }

    private static SparkOptions sparkOptions(int partitions) {
        return SparkOptions.from(options).withPartitions(partitions).withPreprocessing(preprocessing);
    }

    private static synchronized SparkTrainResult twoPartitions() {
        if (twoPartitions == null) {
            twoPartitions = NablaSpark.train(spark, jar, trainingRows(), sparkOptions(2));
        }
        return twoPartitions;
    }

    private static Dataset<Row> trainingRows() {
        return SparkData.fromDataset(spark, split.train(), 3);
    }

    /** The largest difference of any parameter from the single-process run's, relative to its largest value. */
    private static double largestDifference(Map<String, float[]> weights) {
        double worst = 0;
        for (int i : model.spec().indicesOf(BufferRole.PARAM)) {
            String name = model.spec().buffers().get(i).name();
            float[] expected = singleProcess.get(name).data();
            float[] actual = weights.get(name);
            double scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < expected.length; j++) {
                worst = Math.max(worst, Math.abs(expected[j] - actual[j]) / scale);
            }
        }
        return worst;
    }

    @Test
    void onePartition_givesTheSingleProcessWeights_bitForBit() {
        SparkTrainResult r = NablaSpark.train(spark, jar, trainingRows(), sparkOptions(1));
        assertEquals(STEPS, r.steps());
        for (Map.Entry<String, float[]> w : r.weights().entrySet()) {
            assertArrayEquals(singleProcess.get(w.getKey()).data(), w.getValue(), w.getKey());
        }
        assertEquals(2, r.history().size(), "epoch 1 and 3 steps of epoch 2");
        assertEquals(Integer.toString(STEPS), r.metadata().get("step"));
    }

    /**
     * Two and four partitions sum the gradient in another order: equal up to float rounding. The bound is far below
     * how much training moved the weights, so it is not met by weights that merely stayed near each other.
     */
    @Test
    void twoAndFourPartitions_giveTheSingleProcessWeights_upToFloatRounding() {
        double moved = largestDifference(initialWeights());
        assertTrue(moved > 0.05, "training moved the weights by " + moved);
        for (int partitions : new int[] {2, 4}) {
            SparkTrainResult r = partitions == 2 ? twoPartitions()
                    : NablaSpark.train(spark, jar, trainingRows(), sparkOptions(partitions));
            double off = largestDifference(r.weights());
            assertTrue(off < 1e-5, partitions + " partitions: off by " + off + " of the largest weight");
        }
    }

    private static Map<String, float[]> initialWeights() {
        Map<String, float[]> out = new java.util.HashMap<>();
        initial.forEach((k, v) -> out.put(k, v.data()));
        return out;
    }

    /**
     * Partition 1's task fails on its first attempt at step 2; Spark tries it again, and the run ends with the same
     * bits as a run without the failure. With 4 partitions merged two by two (fan-in 2) the merge goes through a
     * shuffle level, whose order is fixed too.
     */
    @Test
    void aTaskFailingOnItsFirstAttempt_isRetried_andTheWeightsAreUnchanged() {
        SparkOptions tree = sparkOptions(4).withFanIn(2).withTrain(options.withSteps(4));
        SparkTrainResult clean = NablaSpark.train(spark, jar, trainingRows(), tree);
        INJECTED.set(0);
        SparkTrainResult retried = NablaSpark.train(spark, jar, trainingRows(), tree.withTaskHook((step, partition) -> {
            if (step == 2 && partition == 1 && TaskContext.get().attemptNumber() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of partition 1 at step 2");
            }
        }));
        assertEquals(1, INJECTED.get(), "the failure was injected once");
        assertArrayEquals(clean.checkpoint(), retried.checkpoint());
    }

    /**
     * A run with a checkpoint every 4 steps is killed at step 11 (every attempt of a task fails from there on); the
     * run resumed from its last checkpoint (step 8, in the middle of epoch 1) ends with the bits of the run that was
     * never interrupted.
     */
    @Test
    void aKilledRun_resumedFromItsLastCheckpoint_endsWithTheUninterruptedRunsWeights(@TempDir Path dir) {
        Path checkpoint = dir.resolve("digits.safetensors");
        SparkOptions every4 = sparkOptions(2).withSave(checkpoint).withCheckpointEvery(4);
        NablaException killed = assertThrows(NablaException.class, () -> NablaSpark.train(spark, jar, trainingRows(),
                every4.withTaskHook((step, partition) -> {
                    if (step >= 11) {
                        throw new IllegalStateException("executor lost");
                    }
                })));
        assertTrue(killed.getMessage().contains("executor lost"), killed.getMessage());
        assertEquals("8", Safetensors.read(checkpoint).metadata().get("step"));
        SparkTrainResult resumed = NablaSpark.train(spark, jar, trainingRows(), sparkOptions(2).withResume(checkpoint));
        assertEquals(STEPS - 8, resumed.steps());
        assertArrayEquals(twoPartitions().checkpoint(), resumed.checkpoint());
    }
}
