package dev.nabla.runtime.train;

import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.Schedule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
