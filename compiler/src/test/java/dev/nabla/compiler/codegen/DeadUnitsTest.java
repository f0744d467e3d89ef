package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.train.EpochHealth;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainResult;
import dev.nabla.runtime.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-unit fraction on a constructed case: non-negative inputs, and hidden units 0-4 with negative weights and
 * bias, which no input can make positive (nor any step revive: a dead unit gets no gradient); units 5 and 6 positive
 * on every row; unit 7 positive on exactly one row of the 40, so active in one batch of the epoch and alive.
 */
class DeadUnitsTest {

    private static final String MODEL = """
            model Dead {
                input x : f32[B, 4]
                target y : i32[B] classes 2
                hidden = dense(x, 8, activation = relu)
                logits = dense(hidden, 2)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y)
            }
            """;
    private static final int ROWS = 40;
    private static final int ONLY_ROW = 17;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void fiveOfEightUnitsAreDead_exactly_inEveryEpoch(boolean vector) {
        ModelIr m = GradientHealthKernelsTest.model(MODEL);
        CompiledModel model = Harness.load(GradientHealthKernelsTest.compile(m, OptimizerSpec.sgd(1e-3, 0, 0), true), vector);
        ModelSpec spec = model.spec();
        float[][] b = Harness.randomBuffers(spec, 8, 1);
        float[] w = b[spec.indexOf("hidden.W")];
        float[] bias = b[spec.indexOf("hidden.b")];
        for (int unit = 0; unit < 8; unit++) {
            for (int in = 0; in < 4; in++) {
                w[in * 8 + unit] = unit < 5 ? -1 : unit < 7 ? (in == 0 ? 0 : 1) : (in == 0 ? 1 : 0);
            }
            bias[unit] = unit < 5 ? -0.1f : unit < 7 ? 0.1f : -0.5f;
        }
        float[] x = new float[ROWS * 4];
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            x[4 * r] = r == ONLY_ROW ? 1 : 0;
            for (int f = 1; f < 4; f++) {
                x[4 * r + f] = 0.5f + ((r * 7 + f * 3) % 10) / 20f;
            }
            y[r] = r % 2;
        }
        TrainOptions options = new TrainOptions(3, 0, 8, 1e-3, Schedule.CONSTANT, 0, 5, true, false, 0, 0, 0);
        TrainResult result = new Trainer(model, options, ProgressListener.NONE, (stats, best) -> { })
                .train(b, Dataset.of("constructed", x, 4, y, 1), null);
        assertEquals(3, result.history().size());
        for (var epoch : result.history()) {
            List<EpochHealth.Activity> acts = epoch.health().activations();
            assertEquals(1, acts.size(), "one ReLU activation");
            EpochHealth.Activity hidden = acts.get(0);
            assertEquals("hidden", hidden.name());
            assertEquals(4, hidden.line());
            assertEquals(8, hidden.units());
            assertEquals(5, hidden.dead(), "epoch " + epoch.epoch());
            assertEquals(0.625, hidden.deadFraction());
            assertEquals(5, epoch.health().steps());
            assertTrue(epoch.health().warnings().isEmpty() || epoch.epoch() == 1, epoch.health().warnings().toString());
        }
        assertTrue(result.history().get(0).health().warnings().get(0).startsWith("dead units (over 50% of an "
                + "activation's units never positive):\n    hidden (health.nabla:4): 5 of its 8 units (63%) never active"),
                result.history().get(0).health().warnings().toString());
    }
}
