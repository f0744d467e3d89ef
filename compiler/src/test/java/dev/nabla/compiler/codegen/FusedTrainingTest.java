package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.train.DivergenceProbe;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainResult;
import dev.nabla.runtime.train.Trainer;
import dev.nabla.runtime.train.TrainingStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer with the fused step against the trainer with the two halves ({@code -Dnabla.fusedUpdate=false}): the
 * same losses, weights, optimizer state and gradient health per epoch; a divergence in a fused step stops training
 * with the same message, probes the same weights (those before the step, which the fused step had already
 * overwritten) and rolls back to the same checkpoint; with clipping the trainer never calls the fused step.
 */
class FusedTrainingTest {

    private static final int ROWS = 60;
    private static final int BATCH = 8;

    @AfterEach
    void clearProperty() {
        System.clearProperty(TrainingStep.FUSED_PROPERTY);
    }

    /** Counts the fused calls of the model it wraps. */
    static final class Counting implements CompiledModel {
        final CompiledModel m;
        int fusedCalls;

        Counting(CompiledModel m) {
            this.m = m;
        }

        @Override
        public ModelSpec spec() {
            return m.spec();
        }

        @Override
        public void predict(float[][] buffers, int batch) {
            m.predict(buffers, batch);
        }

        @Override
        public void trainStep(float[][] buffers, int batch) {
            m.trainStep(buffers, batch);
        }

        @Override
        public void evaluate(float[][] buffers, int batch) {
            m.evaluate(buffers, batch);
        }

        @Override
        public void update(float[][] buffers, float[] hyper) {
            m.update(buffers, hyper);
        }

        @Override
        public void trainAndUpdate(float[][] buffers, int batch, float[] hyper) {
            fusedCalls++;
            m.trainAndUpdate(buffers, batch, hyper);
        }

        @Override
        public boolean fusesUpdate() {
            return m.fusesUpdate();
        }
    }

    /** Rows of 3 features; the row {@code nanRow} (if any) has a NaN feature. */
    static Dataset data(int nanRow) {
        float[] x = new float[ROWS * 3];
        float[] y = new float[ROWS];
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < ROWS; i++) {
            for (int f = 0; f < 3; f++) {
                x[3 * i + f] = (float) r.nextGaussian();
            }
            y[i] = x[3 * i] + x[3 * i + 1] > 0 ? 1 : 0;
        }
        if (nanRow >= 0) {
            x[3 * nanRow + 1] = Float.NaN;
        }
        return Dataset.of("rows", x, 3, y, 1);
    }

    /** What one run leaves: the per-epoch stats, the buffers at the end, the error if it diverged, what the probe saw. */
    record Run(List<EpochStats> epochs, float[][] buffers, String error, List<float[][]> probed, int fusedCalls) {
    }

    static Run train(OptimizerSpec o, boolean fused, TrainOptions options, int nanRow, boolean health) {
        if (!fused) {
            System.setProperty(TrainingStep.FUSED_PROPERTY, "false");
        }
        try {
            ModelIr m = GradientHealthKernelsTest.model(FusedUpdateTest.dense(3, 17, 2));
            Counting model = new Counting(Harness.load(GradientHealthKernelsTest.compile(m, o, health), true));
            float[][] buffers = model.spec().allocate(BATCH);
            Initializer.initialize(model.spec(), buffers, 3);
            List<EpochStats> epochs = new ArrayList<>();
            List<float[][]> probed = new ArrayList<>();
            DivergenceProbe probe = (b, batch) -> {
                probed.add(Harness.copy(b));
                return new DivergenceProbe.Finding("`log`", "fused.nabla:5:9", DivergenceProbe.Phase.FORWARD,
                        Double.NaN, false);
            };
            String error = null;
            try {
                TrainResult r = new Trainer(model, options, ProgressListener.NONE, (s, best) -> epochs.add(s), probe)
                        .train(buffers, data(nanRow), null);
                assertEquals(options.epochs(), r.history().size());
            } catch (NablaException e) {
                error = e.getMessage();
            }
            return new Run(epochs, buffers, error, probed, model.fusedCalls);
        } finally {
            System.clearProperty(TrainingStep.FUSED_PROPERTY);
        }
    }

    static TrainOptions options(int epochs, double lr) {
        return new TrainOptions(epochs, 0, BATCH, lr, Schedule.CONSTANT, 0, 1, false, false, 0, 0, 0);
    }

    static void assertSameRun(Run separate, Run fused, ModelSpec spec) {
        assertEquals(separate.error(), fused.error());
        assertEquals(separate.epochs().size(), fused.epochs().size());
        for (int e = 0; e < separate.epochs().size(); e++) {
            EpochStats a = separate.epochs().get(e);
            EpochStats b = fused.epochs().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), "epoch " + (e + 1) + " loss");
            assertEquals(String.valueOf(a.health()), String.valueOf(b.health()), "epoch " + (e + 1) + " health");
        }
        for (int i = 0; i < spec.buffers().size(); i++) {
            BufferRole role = spec.buffers().get(i).role();
            if (role == BufferRole.PARAM || role == BufferRole.OPT_STATE || role == BufferRole.STATE) {
                assertArrayEquals(separate.buffers()[i], fused.buffers()[i], spec.buffers().get(i).name());
            }
        }
        assertEquals(separate.probed().size(), fused.probed().size());
        for (int p = 0; p < separate.probed().size(); p++) {
            for (int i = 0; i < spec.buffers().size(); i++) {
                if (spec.buffers().get(i).role() != BufferRole.TEMP) {
                    assertArrayEquals(separate.probed().get(p)[i], fused.probed().get(p)[i],
                            "the probe saw " + spec.buffers().get(i).name());
                }
            }
        }
    }

    private static ModelSpec spec(OptimizerSpec o, boolean health) {
        return GradientHealthKernelsTest.compile(GradientHealthKernelsTest.model(FusedUpdateTest.dense(3, 17, 2)), o,
                health).spec();
    }

    @Test
    void everyOptimizer_trainsToTheSameWeightsStateLossesAndHealth_fusedOrNot() {
        for (OptimizerSpec o : FusedUpdateTest.OPTIMIZERS) {
            Run separate = train(o, false, options(3, o.lr()), -1, true);
            Run fused = train(o, true, options(3, o.lr()), -1, true);
            assertEquals(0, separate.fusedCalls());
            assertEquals(3 * ((ROWS + BATCH - 1) / BATCH), fused.fusedCalls(), o.toString());
            assertEquals(null, fused.error());
            assertTrue(fused.epochs().get(2).health().params().get(0).gradNorm() > 0, "health measured");
            assertSameRun(separate, fused, spec(o, true));
        }
    }

    @Test
    void aNanInTheFusedStep_stopsTrainingWithTheSameMessage_probesTheWeightsBeforeTheStep_andRestoresThem() {
        OptimizerSpec adam = new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 0);
        for (boolean health : new boolean[] {true, false}) {
            // Row 29 is in the fourth batch of 8: three fused steps have updated the weights and Adam's moments.
            Run separate = train(adam, false, options(2, 1e-2), 29, health);
            Run fused = train(adam, true, options(2, 1e-2), 29, health);
            assertTrue(fused.error().startsWith("training diverged at epoch 1, step 4: the loss is NaN; `log` at "
                    + "fused.nabla:5:9"), fused.error());
            assertEquals(4, fused.fusedCalls(), "the fourth fused step diverged; the replay runs the two halves");
            assertSameRun(separate, fused, spec(adam, health));
            assertEquals(1, fused.probed().size());
            // No epoch completed: the weights and optimizer state are back to their initial values.
            float[][] initial = spec(adam, health).allocate(BATCH);
            Initializer.initialize(spec(adam, health), initial, 3);
            for (int i : spec(adam, health).indicesOf(BufferRole.PARAM)) {
                assertArrayEquals(initial[i], fused.buffers()[i]);
            }
            for (int i : spec(adam, health).indicesOf(BufferRole.OPT_STATE)) {
                assertArrayEquals(initial[i], fused.buffers()[i]);
            }
        }
    }

    @Test
    void divergingInALaterEpoch_rollsTheFusedUpdatesBackToTheLastEpoch() {
        OptimizerSpec sgd = OptimizerSpec.sgd(0.5, 0.9, 0);
        TrainOptions exploding = new TrainOptions(40, 0, BATCH, 0.5, new Schedule(Schedule.Kind.EXPONENTIAL, 30, 1, 0),
                0, 1, true, false, 0, 0, 0);
        Run separate = train(sgd, false, exploding, -1, true);
        Run fused = train(sgd, true, exploding, -1, true);
        assertTrue(fused.error() != null && fused.error().contains("rolled back to the end of epoch"), fused.error());
        assertTrue(fused.epochs().size() > 0);
        assertSameRun(separate, fused, spec(sgd, true));
    }

    @Test
    void withClipping_theTrainerKeepsTheTwoHalves() {
        OptimizerSpec sgd = OptimizerSpec.sgd(0.1, 0.9, 0);
        Run clipped = train(sgd, true, options(1, 0.1).withClipNorm(0.5), -1, true);
        assertEquals(0, clipped.fusedCalls());
        assertEquals(null, clipped.error());
    }
}
