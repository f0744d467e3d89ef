package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationTest {

    @Test
    void report_classifier_accuracyThenConfusionMatrixWithAlignedColumns() {
        Evaluation e = new Evaluation(12, 0.25, 0.75, new int[][] {{5, 1}, {2, 4}}, Double.NaN, Double.NaN);
        assertEquals(String.join("\n",
                "12 samples  loss 0.2500  accuracy 75.00%",
                "confusion matrix (rows: actual, columns: predicted)",
                "     0  1",
                "  0  5  1",
                "  1  2  4", ""), e.report());
    }

    @Test
    void report_regression_mseAndMae() {
        Evaluation e = new Evaluation(3, 4.5, Double.NaN, null, 4.5, 2.0);
        assertEquals("3 samples  loss 4.5000  mse 4.50000  mae 2.00000\n", e.report());
    }

    /** pred = x: the score is the one feature, so which rows are right is known by hand. */
    private static Evaluation binary(float[] x, float[] targets) {
        LinearRegression model = new LinearRegression(1, 0.1, BufferSpec.BINARY);
        float[][] buffers = model.spec().allocate(2);
        buffers[0][0] = 1;
        return Evaluator.evaluate(model, buffers, Dataset.of("hand", x, 1, targets, 1), 2);
    }

    @Test
    void evaluate_binaryZeroOneTargets_thresholdsTheScoreAtZero() {
        // scores 2, -1, 0.5, -3, 0 against 1, 0, 0, 1, 0: right, right, wrong (false positive), wrong, right (0 is not above 0)
        Evaluation e = binary(new float[] {2, -1, 0.5f, -3, 0}, new float[] {1, 0, 0, 1, 0});
        assertTrue(e.classifier());
        assertEquals(0.6, e.accuracy(), 1e-12);
        assertArrayEquals(new int[][] {{2, 1}, {1, 1}}, e.confusion());
        assertTrue(Double.isNaN(e.mae()));
    }

    @Test
    void evaluate_binaryPlusMinusOneTargets_comparesSigns() {
        Evaluation e = binary(new float[] {0.7f, -0.2f, 1.5f, -4}, new float[] {1, -1, -1, -1});
        assertEquals(0.75, e.accuracy(), 1e-12);
        assertArrayEquals(new int[][] {{2, 1}, {0, 1}}, e.confusion());
    }

    @Test
    void evaluate_realTarget_staysRegression() {
        LinearRegression model = new LinearRegression(1, 0.1);
        float[][] buffers = model.spec().allocate(2);
        buffers[0][0] = 1;
        Evaluation e = Evaluator.evaluate(model, buffers, Dataset.of("hand", new float[] {2, 0}, 1, new float[] {1, 0}, 1), 2);
        assertTrue(!e.classifier());
        assertEquals(0.5, e.mae(), 1e-12);
    }

    @Test
    void trainOptionsFrom_copiesTheTrainBlock() {
        TrainConfig c = new TrainConfig(OptimizerSpec.sgd(0.05, 0.9, 0), new Schedule(Schedule.Kind.COSINE, 1, 1, 10),
                64, 12, 1.5, 99, false, true, null, null, 0, 0.1, 3, List.of());
        TrainOptions o = TrainOptions.from(c);
        assertEquals(new TrainOptions(12, 0, 64, 0.05, c.schedule(), 1.5, 99, false, true, 3, 0, 0), o);
        assertEquals(0.5, o.withLr(0.5).lr());
        assertEquals(7, o.withSteps(7).steps());
    }
}
