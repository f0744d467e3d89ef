package dev.nabla.runtime.train;

import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.NpyWriter;
import dev.nabla.runtime.init.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model of two inputs (one of rank 3) and two targets trained end to end from .npy files: test and validation
 * splits, per-input standardization, early stopping, then eval and predict from the checkpoint.
 */
class TwoInputTrainingTest {

    private static final int ROWS = 300;

    @TempDir
    Path dir;

    private float[] t;

    /**
     * {@code t = seq . cs + extra . ce / 50 + 0.3} with {@code seq} in [-1, 1] and {@code extra} in [-50, 50]: the
     * inputs differ in scale by 50, which per-input standardization evens out. {@code above = t > 0}.
     */
    @BeforeEach
    void writeData() {
        Rng rng = Rng.derive(3, "two-inputs");
        float[] seq = new float[ROWS * TwoInputRegression.SEQ_VALUES];
        float[] extra = new float[ROWS * TwoInputRegression.EXTRA_VALUES];
        t = new float[ROWS];
        float[] above = new float[ROWS];
        float[] cs = {0.5f, -1, 0.25f, 1, -0.5f, 0.75f, 0, -0.25f};
        float[] ce = {1, -0.5f, 0.3f};
        for (int r = 0; r < ROWS; r++) {
            float v = 0.3f;
            for (int f = 0; f < cs.length; f++) {
                seq[r * cs.length + f] = (float) (2 * rng.nextDouble() - 1);
                v += seq[r * cs.length + f] * cs[f];
            }
            for (int f = 0; f < ce.length; f++) {
                extra[r * ce.length + f] = (float) (100 * rng.nextDouble() - 50);
                v += extra[r * ce.length + f] * ce[f] / 50;
            }
            t[r] = v;
            above[r] = v > 0 ? 1 : 0;
        }
        NpyWriter.write(dir.resolve("seq.npy"), new int[] {ROWS, 4, 2}, seq);
        NpyWriter.write(dir.resolve("extra.npy"), new int[] {ROWS, 3}, extra);
        NpyWriter.write(dir.resolve("t.npy"), new int[] {ROWS}, t);
        NpyWriter.write(dir.resolve("above.npy"), new int[] {ROWS, 1}, above);
    }

    private DataSpec files(String... names) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String name : names) {
            options.put(name, dir.resolve(name + ".npy").toString());
        }
        return new DataSpec("npy", List.of(), options);
    }

    @Test
    void trainsFromOneFilePerInputAndTarget_thenEvalAndPredictFromTheCheckpoint() {
        TrainConfig config = new TrainConfig(OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.Schedule.CONSTANT, 16, 40, 0,
                5, true, false, files("above", "extra", "t", "seq"), null, 0.2, 0.1, 3, List.of("standardize"));
        TwoInputRegression model = new TwoInputRegression(config);
        Path checkpoint = dir.resolve("two.safetensors");
        TrainingRun.Report report = TrainingRun.train(model,
                new TrainingRun.Request(null, null, TrainOptions.from(config), null, checkpoint, null, null),
                ProgressListener.NONE);

        double initialLoss = 0;
        for (float v : t) {
            initialLoss += v * v / ROWS;
        }
        assertTrue(initialLoss > 0.3, "the zero-weight model's loss, mean t^2, is " + initialLoss);
        assertEquals(60, report.test().samples());
        assertTrue(report.test().loss() < 1e-3 * initialLoss, "test loss " + report.test().loss() + " from " + initialLoss);
        assertTrue(report.test().classifier(), "accuracy is reported for the binary target 'above'");
        assertTrue(report.test().accuracy() >= 0.95, "accuracy " + report.test().accuracy());
        EpochStats first = report.result().history().get(0);
        assertTrue(first.valLoss() > 0 && Double.isFinite(first.trainAccuracy()), first.toString());

        Map<String, String> meta = Safetensors.read(checkpoint).metadata();
        assertTrue(meta.containsKey("preprocess.seq.mean") && meta.containsKey("preprocess.extra.std"), meta.toString());
        Evaluation again = TrainingRun.evaluate(model, checkpoint, null, 64);
        assertEquals(report.test().loss(), again.loss(), 1e-6, "eval holds out the same rows of every file");
        assertEquals(report.test().accuracy(), again.accuracy(), 1e-12);

        Predictions p = TrainingRun.predict(model, checkpoint, files("seq", "extra"), 64, null);
        assertEquals(ROWS, p.rows());
        for (int r = 0; r < 20; r++) {
            assertEquals(t[r], p.values()[r], 0.05, "row " + r);
        }
    }
}
