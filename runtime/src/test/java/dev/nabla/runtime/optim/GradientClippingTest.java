package dev.nabla.runtime.optim;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GradientClippingTest {

    private static final ModelSpec SPEC = new ModelSpec("m", "m.nabla", List.of(
            new BufferSpec("w", BufferRole.PARAM, new int[] {2}),
            new BufferSpec("grad:w", BufferRole.GRAD, new int[] {2}, null, "w", 0),
            new BufferSpec("grad:b", BufferRole.GRAD, new int[] {1}, null, "b", 0)),
            OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);

    @Test
    void globalNorm_spansEveryGradBufferButNoParam() {
        float[][] buffers = {{100, 100}, {3, 0}, {4}};
        assertEquals(5.0, GradientClipping.globalNorm(SPEC, buffers), 1e-12);
    }

    @Test
    void scale_aboveThreshold_shrinksToThreshold() {
        assertEquals(1.0 / (5 + 1e-6), GradientClipping.scale(5, 1.0), 1e-7);
    }

    @Test
    void scale_belowThresholdOrOff_isOne() {
        assertEquals(1f, GradientClipping.scale(0.5, 1.0));
        assertEquals(1f, GradientClipping.scale(50, 0));
    }
}
