package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig.Schedule;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.init.Initializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingStepTest {

    private static Dataset digits() {
        Dataset all = DataLoader.load(DataLoader.parse("../samples/data/digits.csv.gz", Path.of(".")));
        return Preprocessing.fit(List.of("scale"), all).apply(all);
    }

    private static float[][] initialized(SoftmaxRegression model, int batch) {
        float[][] buffers = model.spec().allocate(batch);
        Initializer.initialize(model.spec(), buffers, 11);
        return buffers;
    }

    /** Both halves run back to back are what the Trainer does: three steps of each give the same bits. */
    @Test
    void gradientsThenApply_threeSteps_equalTheTrainersThreeSteps() {
        Dataset data = digits();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] byTrainer = initialized(model, 32);
        new Trainer(model, new TrainOptions(1, 3, 32, 0.1, Schedule.CONSTANT, 0, 1, false, false, 0, 0, 0),
                ProgressListener.NONE, (s, b) -> { }).train(byTrainer, data, null);
        float[][] byHalves = initialized(model, 32);
        TrainingStep step = new TrainingStep(model, byHalves, 32);
        Dataset bound = step.bind(data);
        int[] order = ModelBuffers.identity(data.rows());
        for (int s = 0; s < 3; s++) {
            step.gradients(bound, order, 32 * s, 32);
            step.apply(0.1, s + 1, step.clipScale(0));
        }
        assertArrayEquals(byTrainer[SoftmaxRegression.W], byHalves[SoftmaxRegression.W]);
        assertArrayEquals(byTrainer[SoftmaxRegression.B], byHalves[SoftmaxRegression.B]);
    }

    /**
     * A batch of 32 split into parts of 10 and 22 rows: the parts' gradients weighted by their row counts are the
     * whole batch's gradient, and so is the loss; a 50/50 unweighted mean would not be (the test can fail).
     */
    @Test
    void partsWeightedByTheirRows_giveTheWholeBatchsGradientAndLoss() {
        Dataset data = digits();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0, 0));
        int[] order = ModelBuffers.identity(data.rows());
        TrainingStep whole = new TrainingStep(model, initialized(model, 32), 32);
        float wholeLoss = whole.gradients(whole.bind(data), order, 0, 32);
        float[] wholeGrad = whole.buffers()[SoftmaxRegression.GRAD_W].clone();

        TrainingStep part = new TrainingStep(model, initialized(model, 32), 32);
        Dataset bound = part.bind(data);
        float lossA = part.gradients(bound, order, 0, 10);
        float[] gradA = part.buffers()[SoftmaxRegression.GRAD_W].clone();
        float lossB = part.gradients(bound, order, 10, 22);
        float[] gradB = part.buffers()[SoftmaxRegression.GRAD_W].clone();

        assertEquals(wholeLoss, (10.0 * lossA + 22.0 * lossB) / 32, 1e-6);
        double unweightedOff = 0;
        for (int i = 0; i < wholeGrad.length; i++) {
            assertEquals(wholeGrad[i], (10.0 * gradA[i] + 22.0 * gradB[i]) / 32, 1e-6, "element " + i);
            unweightedOff = Math.max(unweightedOff, Math.abs(wholeGrad[i] - (gradA[i] + gradB[i]) / 2.0));
        }
        assertTrue(unweightedOff > 1e-3, "an unweighted mean differs: " + unweightedOff);
    }

    @Test
    void clipScale_isOneWithoutClipping_belowOneForALargeGradient_NaNForAnInfiniteOne() {
        Dataset data = digits();
        SoftmaxRegression model = new SoftmaxRegression(64, 10, OptimizerSpec.sgd(0.1, 0, 0));
        TrainingStep step = new TrainingStep(model, initialized(model, 32), 32);
        step.gradients(step.bind(data), ModelBuffers.identity(data.rows()), 0, 32);
        assertEquals(1f, step.clipScale(0));
        assertTrue(step.clipScale(1e-3) < 1f);
        step.buffers()[SoftmaxRegression.GRAD_B][0] = Float.POSITIVE_INFINITY;
        assertTrue(Float.isNaN(step.clipScale(1.0)));
        assertTrue(Float.isNaN(step.clipScale(0)), "an infinite gradient stops the step without clipping too");
    }

    @Test
    void bufferGroup_packsInModelOrder_andUnpacksBack() {
        SoftmaxRegression model = new SoftmaxRegression(3, 2, OptimizerSpec.sgd(0.1, 0.9, 0));
        float[][] buffers = initialized(model, 4);
        BufferGroup params = BufferGroup.of(model.spec(), BufferRole.PARAM);
        assertEquals(3 * 2 + 2, params.size());
        float[] flat = params.pack(buffers);
        assertArrayEquals(buffers[SoftmaxRegression.W], Arrays.copyOfRange(flat, 0, 6));
        assertArrayEquals(buffers[SoftmaxRegression.B], Arrays.copyOfRange(flat, 6, 8));
        float[][] other = model.spec().allocate(4);
        params.unpack(flat, other);
        assertArrayEquals(buffers[SoftmaxRegression.W], other[SoftmaxRegression.W]);
        assertArrayEquals(buffers[SoftmaxRegression.B], other[SoftmaxRegression.B]);
        assertEquals(16, BufferGroup.of(model.spec(), BufferRole.GRAD, BufferRole.OPT_STATE).size());
        assertThrows(IllegalArgumentException.class, () -> params.unpack(new float[7], other));
        assertThrows(IllegalArgumentException.class, () -> BufferGroup.of(model.spec(), BufferRole.INPUT));
    }
}
