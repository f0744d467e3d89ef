package dev.nabla.runtime.train;

import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    private static final Trainer.EpochListener IGNORE = (stats, best) -> { };

    private static TrainOptions options(int epochs, int batch, double lr) {
        return new TrainOptions(epochs, 0, batch, lr, Schedule.CONSTANT, 0, 1, true, false, 0, 0, 0);
    }

    private static Datasets.Split digits() {
        Dataset all = DataLoader.load(DataLoader.parse("../samples/data/digits.csv.gz", Path.of(".")));
        Datasets.Split split = Datasets.split(all, 0.2, 7, "test");
        Preprocessing scale = Preprocessing.fit(List.of("scale"), split.kept());
        return new Datasets.Split(scale.apply(split.kept()), scale.apply(split.heldOut()));
    }

    private static float[][] initialized(ModelSpec spec, int batch, long seed) {
        float[][] buffers = spec.allocate(batch);
        Initializer.initialize(spec, buffers, seed);
        return buffers;
    }

    /** Linear data {@code t = 2 x0 - x1 + 0.5}, rows of two features. */
    private static Dataset linear(int rows) {
        float[] x = new float[rows * 2];
        float[] t = new float[rows];
        for (int r = 0; r < rows; r++) {
            x[2 * r] = (r % 7) / 7f;
            x[2 * r + 1] = (r % 5) / 5f;
            t[r] = 2 * x[2 * r] - x[2 * r + 1] + 0.5f;
        }
        return Dataset.of("linear", x, 2, t, 1);
    }

    @Test
    void digitsSoftmaxRegression_fiveEpochs_reachesNinetyThreePercentTestAccuracy() {
        Datasets.Split data = digits();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] buffers = initialized(model.spec(), 32, 1);
        TrainResult result = new Trainer(model, options(5, 32, 0.1), ProgressListener.NONE, IGNORE)
                .train(buffers, data.kept(), null);
        Evaluation test = Evaluator.evaluate(model, buffers, data.heldOut(), 32);
        assertEquals(5 * 45, result.steps(), "1438 training rows in batches of 32");
        assertTrue(test.accuracy() >= 0.93, "test accuracy " + test.accuracy());
        assertTrue(result.history().get(4).trainLoss() < result.history().get(0).trainLoss());
        assertEquals(359, Arrays.stream(test.confusion()).flatMapToInt(Arrays::stream).sum());
    }

    /**
     * On two threads each step's batch is gathered while the step before it runs (TrainingStep.gatherAhead, the spare
     * arrays swapped in): the run ends with the weights of the run on one thread, which gathers every batch when its
     * step starts, to the bit.
     */
    @Test
    void batchesGatheredAheadOnTwoThreads_trainToTheWeightsOfOneThread() {
        Datasets.Split data = digits();
        float[][][] weights = new float[2][][];
        int saved = dev.nabla.runtime.kernels.Gemm.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                dev.nabla.runtime.kernels.Gemm.setThreads(threads);
                SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
                float[][] buffers = initialized(model.spec(), 32, 1);
                new Trainer(model, options(3, 32, 0.1), ProgressListener.NONE, IGNORE).train(buffers, data.kept(), null);
                weights[threads - 1] = buffers;
            }
        } finally {
            dev.nabla.runtime.kernels.Gemm.setThreads(saved);
        }
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        for (int i = 0; i < weights[0].length; i++) {
            if (model.spec().buffers().get(i).role() == dev.nabla.runtime.BufferRole.PARAM) {
                assertArrayEquals(weights[0][i], weights[1][i], model.spec().buffers().get(i).name());
            }
        }
    }

    /**
     * A run interrupted after epoch 2 of 4 (its weights and optimizer state as the epoch-2 checkpoint holds them) and
     * resumed from there ends with the weights of the uninterrupted run, to the bit: the resumed run goes on with
     * epoch 3's shuffle, the cosine schedule's position over all 4 epochs and Adam's step count.
     */
    @Test
    void resumingAfterAnEpoch_endsWithTheWeightsOfTheUninterruptedRun() {
        Dataset train = digits().kept();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-2, 0, 0.9,
                0.999, 0.99, 1e-8, 0));
        TrainOptions cosine = new TrainOptions(4, 0, 32, 1e-2, new Schedule(Schedule.Kind.COSINE, 1, 1, 0), 0, 5, true,
                false, 0, 0, 0);
        float[][] straight = initialized(model.spec(), 32, 9);
        float[][][] atEpoch2 = new float[1][][];
        TrainResult full = new Trainer(model, cosine, ProgressListener.NONE, (stats, best) -> {
            if (stats.epoch() == 2) {
                atEpoch2[0] = Arrays.stream(straight).map(float[]::clone).toArray(float[][]::new);
            }
        }).train(straight, train, null);
        long stepsAfter2 = 2L * ((train.rows() + 31) / 32);
        TrainResult rest = new Trainer(model, cosine.resumingAfter(2, stepsAfter2), ProgressListener.NONE, IGNORE)
                .train(atEpoch2[0], train, null);
        assertEquals(List.of(3, 4), rest.history().stream().map(EpochStats::epoch).toList());
        assertEquals(full.steps(), rest.steps(), "the resumed run counts steps on from the checkpoint's");
        for (int i = 0; i < straight.length; i++) {
            assertArrayEquals(straight[i], atEpoch2[0][i], model.spec().buffers().get(i).name());
        }
        float[][] fineTuned = Arrays.stream(atEpoch2[0]).map(float[]::clone).toArray(float[][]::new);
        new Trainer(model, new TrainOptions(2, 0, 32, 1e-2, new Schedule(Schedule.Kind.COSINE, 1, 1, 0), 0, 5, true,
                false, 0, 0, stepsAfter2), ProgressListener.NONE, IGNORE).train(fineTuned, train, null);
        assertFalse(Arrays.equals(straight[0], fineTuned[0]), "--init (a new 2-epoch run) is not a resumption");
    }

    @Test
    void trainAccuracy_ofOneFullBatchStep_isTheAccuracyOfTheWeightsBeforeIt() {
        Dataset train = digits().kept();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        int all = train.rows();
        float[][] buffers = initialized(model.spec(), all, 3);
        double before = Evaluator.evaluate(model, buffers, train, all).accuracy();
        TrainOptions oneStep = new TrainOptions(1, 0, all, 0.1, Schedule.CONSTANT, 0, 1, false, false, 0, 0, 0);
        TrainResult result = new Trainer(model, oneStep, ProgressListener.NONE, IGNORE).train(buffers, train, null);
        assertEquals(before, result.history().get(0).trainAccuracy(), 1e-12);
        assertTrue(before > 0 && before < 0.5, "random weights: " + before);
    }

    @Test
    void trainAccuracy_overShuffledBatchesGatheredAheadOnTwoThreads_scoresEachRowAgainstItsOwnLabel() {
        Dataset train = digits().kept();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] buffers = initialized(model.spec(), 32, 3);
        double before = Evaluator.evaluate(model, buffers, train, 32).accuracy();
        // A rate too small to move a float32 weight: every batch is scored with the initial weights, so the epoch's
        // train accuracy is theirs over the whole set, whatever the shuffled order and however the rows were gathered
        // (two threads gather each next batch ahead, into buffers swapped in at the next step).
        TrainOptions shuffled = new TrainOptions(1, 0, 32, 1e-30, Schedule.CONSTANT, 0, 7, true, false, 0, 2, 0);
        int threads = Gemm.threads();
        Gemm.setThreads(2);
        TrainResult result;
        try {
            result = new Trainer(model, shuffled, ProgressListener.NONE, IGNORE).train(buffers, train, null);
        } finally {
            Gemm.setThreads(threads);
        }
        assertEquals(before, result.history().get(0).trainAccuracy(), 1e-12);
        assertTrue(before > 0 && before < 0.5, "random weights: " + before);
    }

    @Test
    void trainAccuracy_isNaNForRegression() {
        LinearRegression model = new LinearRegression(2, 0.1);
        float[][] buffers = initialized(model.spec(), 16, 1);
        TrainResult result = new Trainer(model, options(1, 16, 0.1), ProgressListener.NONE, IGNORE)
                .train(buffers, linear(64), null);
        assertTrue(Double.isNaN(result.history().get(0).trainAccuracy()));
    }

    @Test
    void sameSeed_bitIdenticalCheckpoints_otherSeedDiffers() {
        Datasets.Split data = digits();
        byte[] first = trainedCheckpoint(data.kept(), 3);
        byte[] again = trainedCheckpoint(data.kept(), 3);
        byte[] other = trainedCheckpoint(data.kept(), 4);
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
    }

    private static byte[] trainedCheckpoint(Dataset train, long seed) {
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.defaults(OptimizerSpec.Kind.ADAM));
        float[][] buffers = initialized(model.spec(), 50, seed);
        new Trainer(model, options(2, 50, 0.01).withSeed(seed), ProgressListener.NONE, IGNORE).train(buffers, train, null);
        return Checkpoint.encode(model.spec(), buffers, Map.of());
    }

    @Test
    void lastPartialBatch_trainedUnlessDropLast() {
        LinearRegression model = new LinearRegression(2, 0.1);
        List<Integer> samples = new ArrayList<>();
        ProgressListener counter = new ProgressListener() {
            @Override
            public void epochDone(EpochStats stats) {
                samples.add(stats.samples());
            }
        };
        TrainResult kept = new Trainer(model, options(2, 4, 0.1), counter, IGNORE)
                .train(initialized(model.spec(), 4, 1), linear(10), null);
        assertEquals(6, kept.steps());
        assertEquals(List.of(10, 10), samples);
        samples.clear();
        TrainOptions drop = new TrainOptions(2, 0, 4, 0.1, Schedule.CONSTANT, 0, 1, true, true, 0, 0, 0);
        TrainResult dropped = new Trainer(model, drop, counter, IGNORE).train(initialized(model.spec(), 4, 1), linear(10), null);
        assertEquals(4, dropped.steps());
        assertEquals(List.of(8, 8), samples);
    }

    @Test
    void steps_stopsAfterExactlyThatManyUpdatesAcrossEpochs() {
        LinearRegression model = new LinearRegression(2, 0.1);
        TrainResult r = new Trainer(model, options(1, 4, 0.1).withSteps(7), ProgressListener.NONE, IGNORE)
                .train(initialized(model.spec(), 4, 1), linear(10), null);
        assertEquals(7, r.steps());
        assertEquals(3, r.history().size());
        assertEquals(4, r.history().get(2).samples(), "the third epoch runs one batch");
    }

    @Test
    void nanProducingLearningRate_stopsNamingEpochAndStep_rollsBackToLastEpoch() {
        LinearRegression model = new LinearRegression(2, 0.1);
        float[][] buffers = initialized(model.spec(), 5, 1);
        List<float[]> savedWeights = new ArrayList<>();
        Trainer.EpochListener saver = (stats, best) -> savedWeights.add(buffers[0].clone());
        TrainOptions exploding = new TrainOptions(50, 0, 5, 0.05, new Schedule(Schedule.Kind.EXPONENTIAL, 1e4, 1, 0),
                0, 1, true, false, 0, 0, 0);
        NablaException e = assertThrows(NablaException.class,
                () -> new Trainer(model, exploding, ProgressListener.NONE, saver).train(buffers, linear(20), null));
        assertTrue(e.getMessage().matches("training diverged at epoch \\d+, step \\d+: the loss is (NaN|Infinity);.*"
                + "rolled back to the end of epoch \\d+.*Try a lower learning rate.*"), e.getMessage());
        assertFalse(savedWeights.isEmpty());
        assertArrayEquals(savedWeights.get(savedWeights.size() - 1), buffers[0]);
        assertTrue(Float.isFinite(buffers[0][0]));
    }

    @Test
    void clipping_limitsTheFirstUpdateToLrTimesThreshold() {
        LinearRegression model = new LinearRegression(2, 1.0);
        float[][] buffers = initialized(model.spec(), 10, 1);
        TrainOptions clipped = options(1, 10, 1.0).withClipNorm(0.01).withSteps(1);
        new Trainer(model, clipped, ProgressListener.NONE, IGNORE).train(buffers, linear(10), null);
        double moved = Math.sqrt(buffers[0][0] * buffers[0][0] + buffers[0][1] * buffers[0][1] + buffers[1][0] * buffers[1][0]);
        assertEquals(0.01, moved, 1e-5);
    }

    @Test
    void earlyStopping_onRisingValidationLoss_restoresBestEpoch() {
        Datasets.Split data = digits();
        Dataset train = data.kept();
        float[] wrong = new float[data.heldOut().rows()];
        float[] features = new float[data.heldOut().rows() * 64];
        for (int r = 0; r < wrong.length; r++) {
            wrong[r] = (data.heldOut().target(r, 0) + 1) % 10;
            for (int j = 0; j < 64; j++) {
                features[r * 64 + j] = data.heldOut().feature(r, j);
            }
        }
        Dataset mislabelled = Dataset.of("val", features, 64, wrong, 1);
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] buffers = initialized(model.spec(), 32, 1);
        List<float[]> weights = new ArrayList<>();
        Trainer.EpochListener keep = (stats, best) -> weights.add(buffers[0].clone());
        TrainResult r = new Trainer(model, options(20, 32, 0.1).withPatience(2), ProgressListener.NONE, keep)
                .train(buffers, train, mislabelled);
        assertEquals(r.bestEpoch() + 2, r.history().size(), "stopped two epochs after the best");
        assertTrue(r.stopReason().startsWith("early stopping after epoch"), r.stopReason());
        assertArrayEquals(weights.get(r.bestEpoch() - 1), buffers[0]);
    }

    @Test
    void earlyStopping_validationLossNeverFinite_stopsWithoutRestoring() {
        LinearRegression model = new LinearRegression(2, 0.1);
        Dataset infiniteTargets = Dataset.of("val", new float[] {1, 1}, 2, new float[] {Float.MAX_VALUE}, 1);
        TrainResult r = new Trainer(model, options(10, 4, 0.1).withPatience(2), ProgressListener.NONE, IGNORE)
                .train(initialized(model.spec(), 4, 1), linear(10), infiniteTargets);
        assertEquals(2, r.history().size());
        assertEquals("early stopping after epoch 2: the validation loss was never a finite number", r.stopReason());
    }

    @Test
    void earlyStopping_withoutValidationSet_isAUserError() {
        LinearRegression model = new LinearRegression(2, 0.1);
        NablaException e = assertThrows(NablaException.class, () -> new Trainer(model, options(2, 4, 0.1).withPatience(1),
                ProgressListener.NONE, IGNORE).train(initialized(model.spec(), 4, 1), linear(10), null));
        assertTrue(e.getMessage().startsWith("early stopping needs a validation set"));
    }

    @Test
    void evaluate_regression_mseAndMaeOfZeroModel() {
        LinearRegression model = new LinearRegression(2, 0.1);
        Dataset d = Dataset.of("d", new float[] {0, 0, 0, 0, 0, 0}, 2, new float[] {1, -2, 3}, 1);
        Evaluation e = Evaluator.evaluate(model, initialized(model.spec(), 2, 1), d, 2);
        assertEquals((1 + 4 + 9) / 3.0, e.mse(), 1e-6);
        assertEquals(2.0, e.mae(), 1e-6);
        assertEquals(e.mse(), e.loss(), 1e-6);
        assertTrue(Double.isNaN(e.accuracy()));
    }

    @Test
    void predict_classifierRowsMatchEvaluationArgmax() {
        Datasets.Split data = digits();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] buffers = initialized(model.spec(), 32, 1);
        new Trainer(model, options(2, 32, 0.1), ProgressListener.NONE, IGNORE).train(buffers, data.kept(), null);
        Predictions p = Predictor.predict(model, buffers, data.heldOut(), 32, null);
        int correct = 0;
        for (int r = 0; r < p.rows(); r++) {
            correct += p.classOf(r) == (int) data.heldOut().target(r, 0) ? 1 : 0;
        }
        Evaluation e = Evaluator.evaluate(model, buffers, data.heldOut(), 32);
        assertEquals(e.accuracy(), correct / (double) p.rows(), 1e-12);
        assertTrue(p.classifier());
        assertEquals(1.0, sum(p.row(0)), 1e-5);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
