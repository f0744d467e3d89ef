package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.optim.ReferenceOptimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written compiled model for tests: {@code probs = softmax(x @ W + b)}, loss = mean cross-entropy,
 * analytic gradients {@code dW = x^T (probs - onehot) / B}, {@code db = sum(probs - onehot) / B}. Buffer layout as
 * the compiler's: W, b, x, y, probs, loss, grads, optimizer slots.
 */
final class SoftmaxRegression implements CompiledModel {

    static final int W = 0;
    static final int B = 1;
    static final int X = 2;
    static final int Y = 3;
    static final int PROBS = 4;
    static final int LOSS = 5;
    static final int GRAD_W = 6;
    static final int GRAD_B = 7;

    private final int features;
    private final int classes;
    private final ModelSpec spec;

    SoftmaxRegression(int features, int classes, OptimizerSpec optimizer) {
        this(features, classes, optimizer, TrainConfig.EMPTY);
    }

    SoftmaxRegression(int features, int classes, OptimizerSpec optimizer, TrainConfig config) {
        this.features = features;
        this.classes = classes;
        List<BufferSpec> buffers = new ArrayList<>(List.of(
                new BufferSpec("out.W", BufferRole.PARAM, new int[] {features, classes}, InitSpec.of(InitSpec.Kind.GLOROT_UNIFORM), null, 0),
                new BufferSpec("out.b", BufferRole.PARAM, new int[] {classes}, InitSpec.of(InitSpec.Kind.ZEROS), null, 0),
                new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, features}),
                new BufferSpec("y", BufferRole.TARGET, new int[] {BufferSpec.BATCH}, null, null, classes),
                new BufferSpec("probs", BufferRole.OUTPUT, new int[] {BufferSpec.BATCH, classes}),
                new BufferSpec("loss", BufferRole.LOSS, new int[0]),
                new BufferSpec("grad:out.W", BufferRole.GRAD, new int[] {features, classes}, null, "out.W", 0),
                new BufferSpec("grad:out.b", BufferRole.GRAD, new int[] {classes}, null, "out.b", 0)));
        for (int s = 0; s < optimizer.stateSlots(); s++) {
            buffers.add(new BufferSpec("opt" + s + ":out.W", BufferRole.OPT_STATE, new int[] {features, classes}, null, "out.W", 0));
            buffers.add(new BufferSpec("opt" + s + ":out.b", BufferRole.OPT_STATE, new int[] {classes}, null, "out.b", 0));
        }
        this.spec = new ModelSpec("Softmax", "softmax.nabla", buffers, optimizer, config);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void predict(float[][] buf, int batch) {
        for (int r = 0; r < batch; r++) {
            float[] probs = buf[PROBS];
            int o = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double z = buf[B][c];
                for (int f = 0; f < features; f++) {
                    z += (double) buf[X][r * features + f] * buf[W][f * classes + c];
                }
                probs[o + c] = (float) z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(probs[o + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                probs[o + c] = (float) (Math.exp(probs[o + c] - max) / sum);
            }
        }
    }

    @Override
    public void trainStep(float[][] buf, int batch) {
        predict(buf, batch);
        java.util.Arrays.fill(buf[GRAD_W], 0f);
        java.util.Arrays.fill(buf[GRAD_B], 0f);
        double loss = 0;
        for (int r = 0; r < batch; r++) {
            int label = (int) buf[Y][r];
            loss -= Math.log(buf[PROBS][r * classes + label]);
            for (int c = 0; c < classes; c++) {
                float d = (buf[PROBS][r * classes + c] - (c == label ? 1 : 0)) / batch;
                buf[GRAD_B][c] += d;
                for (int f = 0; f < features; f++) {
                    buf[GRAD_W][f * classes + c] += buf[X][r * features + f] * d;
                }
            }
        }
        buf[LOSS][0] = (float) (loss / batch);
    }

    @Override
    public void update(float[][] buffers, float[] hyper) {
        ReferenceOptimizer.updateAll(spec, buffers, hyper);
    }
}
