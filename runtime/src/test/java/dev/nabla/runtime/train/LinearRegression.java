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

/** A hand-written compiled model for tests: {@code pred = x @ w + b}, loss = mean squared error, plain SGD. */
final class LinearRegression implements CompiledModel {

    private final int features;
    private final ModelSpec spec;

    LinearRegression(int features, double lr) {
        this(features, lr, 0);
    }

    /** @param targetClasses the target's {@code classes}: {@link BufferSpec#BINARY} makes {@code pred} a binary score */
    LinearRegression(int features, double lr, int targetClasses) {
        this.features = features;
        this.spec = new ModelSpec("Linear", "linear.nabla", List.of(
                new BufferSpec("w", BufferRole.PARAM, new int[] {features, 1}, InitSpec.of(InitSpec.Kind.ZEROS), null, 0),
                new BufferSpec("b", BufferRole.PARAM, new int[] {1}, InitSpec.of(InitSpec.Kind.ZEROS), null, 0),
                new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, features}),
                new BufferSpec("t", BufferRole.TARGET, new int[] {BufferSpec.BATCH, 1}, null, null, targetClasses),
                new BufferSpec("pred", BufferRole.OUTPUT, new int[] {BufferSpec.BATCH, 1}),
                new BufferSpec("loss", BufferRole.LOSS, new int[0]),
                new BufferSpec("grad:w", BufferRole.GRAD, new int[] {features, 1}, null, "w", 0),
                new BufferSpec("grad:b", BufferRole.GRAD, new int[] {1}, null, "b", 0)),
                OptimizerSpec.sgd(lr, 0, 0), TrainConfig.EMPTY);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void predict(float[][] buf, int batch) {
        for (int r = 0; r < batch; r++) {
            float z = buf[1][0];
            for (int f = 0; f < features; f++) {
                z += buf[2][r * features + f] * buf[0][f];
            }
            buf[4][r] = z;
        }
    }

    @Override
    public void trainStep(float[][] buf, int batch) {
        predict(buf, batch);
        java.util.Arrays.fill(buf[6], 0f);
        buf[7][0] = 0;
        float loss = 0;
        for (int r = 0; r < batch; r++) {
            float e = buf[4][r] - buf[3][r];
            loss += e * e;
            float d = 2 * e / batch;
            buf[7][0] += d;
            for (int f = 0; f < features; f++) {
                buf[6][f] += d * buf[2][r * features + f];
            }
        }
        buf[5][0] = loss / batch;
    }

    @Override
    public void update(float[][] buffers, float[] hyper) {
        ReferenceOptimizer.updateAll(spec, buffers, hyper);
    }
}
