package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.optim.ReferenceOptimizer;

import java.util.List;

/**
 * A hand-written compiled model of two inputs and two targets for tests: {@code pred = flatten(seq) @ ws + extra @ we
 * + b} over {@code seq : f32[B, 4, 2]} and {@code extra : f32[B, 3]}, loss = mean squared error against the target
 * {@code t}. The second target, {@code above : f32[B] binary}, is declared after {@code t} and left out of the loss:
 * the runtime reports accuracy for it, by the sign of {@code pred}, because it is the classification target.
 */
final class TwoInputRegression implements CompiledModel {

    static final int SEQ_VALUES = 8;
    static final int EXTRA_VALUES = 3;
    private static final int WS = 0;
    private static final int WE = 1;
    private static final int BIAS = 2;
    private static final int SEQ = 3;
    private static final int EXTRA = 4;
    private static final int T = 5;
    private static final int PRED = 7;
    private static final int LOSS = 8;

    private final ModelSpec spec;

    TwoInputRegression(TrainConfig config) {
        InitSpec zeros = InitSpec.of(InitSpec.Kind.ZEROS);
        this.spec = new ModelSpec("TwoInputs", "two_inputs.nabla", List.of(
                new BufferSpec("ws", BufferRole.PARAM, new int[] {SEQ_VALUES, 1}, zeros, null, 0),
                new BufferSpec("we", BufferRole.PARAM, new int[] {EXTRA_VALUES, 1}, zeros, null, 0),
                new BufferSpec("b", BufferRole.PARAM, new int[] {1}, zeros, null, 0),
                new BufferSpec("seq", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 4, 2}),
                new BufferSpec("extra", BufferRole.INPUT, new int[] {BufferSpec.BATCH, EXTRA_VALUES}),
                new BufferSpec("t", BufferRole.TARGET, new int[] {BufferSpec.BATCH}),
                new BufferSpec("above", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, BufferSpec.BINARY),
                new BufferSpec("pred", BufferRole.OUTPUT, new int[] {BufferSpec.BATCH, 1}),
                new BufferSpec("loss", BufferRole.LOSS, new int[0]),
                new BufferSpec("grad:ws", BufferRole.GRAD, new int[] {SEQ_VALUES, 1}, null, "ws", 0),
                new BufferSpec("grad:we", BufferRole.GRAD, new int[] {EXTRA_VALUES, 1}, null, "we", 0),
                new BufferSpec("grad:b", BufferRole.GRAD, new int[] {1}, null, "b", 0)),
                config.optimizer(), config);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void predict(float[][] buf, int batch) {
        for (int r = 0; r < batch; r++) {
            float z = buf[BIAS][0];
            for (int f = 0; f < SEQ_VALUES; f++) {
                z += buf[SEQ][r * SEQ_VALUES + f] * buf[WS][f];
            }
            for (int f = 0; f < EXTRA_VALUES; f++) {
                z += buf[EXTRA][r * EXTRA_VALUES + f] * buf[WE][f];
            }
            buf[PRED][r] = z;
        }
    }

    @Override
    public void trainStep(float[][] buf, int batch) {
        predict(buf, batch);
        float[] gs = buf[LOSS + 1];
        float[] ge = buf[LOSS + 2];
        float[] gb = buf[LOSS + 3];
        java.util.Arrays.fill(gs, 0f);
        java.util.Arrays.fill(ge, 0f);
        gb[0] = 0;
        float loss = 0;
        for (int r = 0; r < batch; r++) {
            float e = buf[PRED][r] - buf[T][r];
            loss += e * e;
            float d = 2 * e / batch;
            gb[0] += d;
            for (int f = 0; f < SEQ_VALUES; f++) {
                gs[f] += d * buf[SEQ][r * SEQ_VALUES + f];
            }
            for (int f = 0; f < EXTRA_VALUES; f++) {
                ge[f] += d * buf[EXTRA][r * EXTRA_VALUES + f];
            }
        }
        buf[LOSS][0] = loss / batch;
    }

    @Override
    public void update(float[][] buffers, float[] hyper) {
        ReferenceOptimizer.updateAll(spec, buffers, hyper);
    }
}
