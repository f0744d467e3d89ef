package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GradientHealth's arithmetic over steps and epochs, and each warning's threshold, from hand-written HEALTH buffers. */
class GradientHealthTest {

    /** Two weight matrices a.W (line 3) and b.W (line 4), a bias, and one activation of 4 units (line 3). */
    private static final ModelSpec SPEC = new ModelSpec("M", "dir/m.nabla", List.of(
            new BufferSpec("a.W", BufferRole.PARAM, new int[] {50, 40}),
            new BufferSpec("a.b", BufferRole.PARAM, new int[] {40}),
            new BufferSpec("b.W", BufferRole.PARAM, new int[] {40, 2}),
            new BufferSpec("health:update:a.W", BufferRole.HEALTH, new int[] {6}, null, "a.W", 0, 3),
            new BufferSpec("health:update:a.b", BufferRole.HEALTH, new int[] {3}, null, "a.b", 0, 3),
            new BufferSpec("health:update:b.W", BufferRole.HEALTH, new int[] {3}, null, "b.W", 0, 4),
            new BufferSpec("health:active:a", BufferRole.HEALTH, new int[] {4}, null, "a", 0, 3)),
            OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);

    private final float[][] b = SPEC.allocate(1);

    GradientHealthTest() {
        java.util.Arrays.fill(b[6], 1);
    }

    /**
     * One step: the activation maxima as they are (every unit active unless {@link #active} said otherwise), then an
     * update with these squared norms of a.W (split over its two blocks), a.b and b.W.
     */
    private void update(GradientHealth h, double[] aW, double[] ab, double[] bW, boolean clipped) {
        h.afterTrainStep(b);
        float[] s = b[3];
        for (int k = 0; k < 3; k++) {
            s[k] = (float) (aW[k] / 4);
            s[3 + k] = (float) (aW[k] * 3 / 4);
        }
        for (int k = 0; k < 3; k++) {
            b[4][k] = (float) ab[k];
            b[5][k] = (float) bW[k];
        }
        h.afterUpdate(b, clipped);
    }

    private void active(GradientHealth h, float... maxima) {
        System.arraycopy(maxima, 0, b[6], 0, maxima.length);
        h.afterTrainStep(b);
    }

    @Test
    void normsAreMeansOverTheSteps_andUnitsAreDeadOnlyIfNeverActiveInTheEpoch() {
        GradientHealth h = GradientHealth.of(SPEC);
        active(h, 0, 3, 0, 0);
        update(h, new double[] {4, 16, 0.04}, new double[] {1, 0, 0}, new double[] {1, 1, 1e-6}, false);
        active(h, 0, 0, 1, 0);
        update(h, new double[] {16, 16, 0.16}, new double[] {1, 1, 1e-4}, new double[] {1, 1, 1e-6}, true);
        EpochHealth e = h.endEpoch();
        EpochHealth.Param aW = e.params().get(0);
        assertEquals("a.W", aW.name());
        assertEquals("a", aW.layer());
        assertEquals(3, aW.line());
        assertTrue(aW.weights());
        assertEquals(3, aW.gradNorm(), 1e-6, "mean of 2 and 4");
        assertEquals(4, aW.weightNorm(), 1e-6);
        assertEquals(0.075, aW.updateRatio(), 1e-6, "mean of 0.2/4 and 0.4/4");
        EpochHealth.Param ab = e.params().get(1);
        assertEquals(0.01, ab.updateRatio(), 1e-6, "the step from zero weights is left out of the ratio's mean");
        assertEquals(List.of("a.W", "b.W"), e.weightTensors().stream().map(EpochHealth.Param::name).toList());
        assertEquals(new EpochHealth.Activity("a", 3, 4, 2), e.activations().get(0));
        assertEquals(0.5, e.activations().get(0).deadFraction());
        assertEquals(2, e.steps());
        assertEquals(0.5, e.clippedFraction());
        assertTrue(e.warnings().isEmpty(), "nothing beyond a threshold (2 of 4 dead is not over half): " + e.warnings());

        active(h, 1, 0, 0, 0);
        update(h, new double[] {4, 16, 0.04}, new double[] {1, 1, 0}, new double[] {1, 1, 0}, false);
        EpochHealth next = h.endEpoch();
        assertEquals(3, next.activations().get(0).dead(), "the ever-active bits start over each epoch");
        assertEquals(2, next.params().get(0).gradNorm(), 1e-6, "so do the means");
        assertTrue(next.warnings().get(0).startsWith("dead units (over 50% of an activation's units never positive):\n"
                + "    a (m.nabla:3): 3 of its 4 units (75%) never active in this epoch\n    Try leaky_relu"), next.warnings().toString());
    }

    @Test
    void vanishing_belowAThousandthOfTheLargestLayer_orATenThousandthOfItsFirstStep_onceEach() {
        GradientHealth h = GradientHealth.of(SPEC);
        update(h, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1e6 * 0.999, 1, 1e-6}, false);
        List<String> none = h.endEpoch().warnings();
        assertTrue(none.isEmpty(), "a.W at just over 1e-3 of b.W: " + none);
        update(h, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1e6 * 1.001, 1, 1e-6}, false);
        List<String> w = h.endEpoch().warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("vanishing gradients in 1 layer (the largest gradient norm: layer b (m.nabla:4), "
                + "1.00e+03):\n    layer a (m.nabla:3): ||grad a.W|| = 1.00, 0.0010 of the largest layer's (threshold 1e-03)\n"
                + "    Try He (ReLU) or Glorot"), w.get(0));
        update(h, new double[] {1e-9, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1e6 * 1.001, 1, 1e-6}, false);
        assertTrue(h.endEpoch().warnings().isEmpty(), "given once per run per layer");

        GradientHealth fresh = GradientHealth.of(SPEC);
        update(fresh, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1e6, 1, 1e-6}, false);
        assertTrue(fresh.endEpoch().warnings().isEmpty(), "a.W at exactly 1e-3 of b.W");
        update(fresh, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {0.0081, 1, 1e-6}, false);
        assertEquals(List.of("vanishing gradients in 1 layer (the largest gradient norm: layer a (m.nabla:3), 1.00):\n"
                + "    layer b (m.nabla:4): ||grad b.W|| = 0.0900, 9.0e-05 of its first step's (threshold 1e-04)\n"
                + "    Try He (ReLU) or Glorot (tanh, sigmoid) initialization, batch normalization between the layers, or "
                + "ReLU in place of sigmoid or tanh."), fresh.endEpoch().warnings());
    }

    @Test
    void exploding_growthOverAHundredfold_aStepLargerThanTheWeights_notFinite_orMostlyClipped() {
        GradientHealth growth = GradientHealth.of(SPEC);
        update(growth, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, false);
        update(growth, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {(2 * 100 - 1) * (2 * 100 - 1), 1, 1e-6}, false);
        List<String> none = growth.endEpoch().warnings();
        assertTrue(none.isEmpty(), "b.W's mean 100 times its first: not over: " + none);
        update(growth, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {101 * 101, 1, 1e-6}, false);
        List<String> w = growth.endEpoch().warnings();
        assertEquals(1, w.size(), "while a layer explodes, vanishing is not judged: " + w);
        assertTrue(w.get(0).startsWith("exploding gradients in 1 layer:\n    layer b (m.nabla:4): ||grad b.W|| = 101, "
                + "101 times its first step's (threshold 100)\n    Try a lower learning rate, gradient clipping"), w.get(0));

        GradientHealth big = GradientHealth.of(SPEC);
        update(big, new double[] {1, 1, 1.01 * 1.01}, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1}, false);
        List<String> steps = big.endEpoch().warnings();
        assertTrue(steps.get(0).contains("layer a (m.nabla:3): a step changes a.W by 1.01 times its own norm"), steps.toString());
        assertTrue(steps.stream().noneMatch(s -> s.contains("layer b")), "b.W's step is exactly its norm: " + steps);

        GradientHealth broken = GradientHealth.of(SPEC);
        update(broken, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {Double.POSITIVE_INFINITY, 1, 1}, false);
        assertTrue(broken.endEpoch().warnings().get(0).contains("||grad b.W|| is not finite"));

        GradientHealth clipped = GradientHealth.of(SPEC);
        for (boolean c : new boolean[] {true, true, false}) {
            update(clipped, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, new double[] {1, 1, 1e-6}, c);
        }
        assertEquals(List.of("exploding gradients: clipping scaled the gradients down on 67% of the steps (threshold "
                + "50%):\n    Try a lower learning rate, batch normalization, or He/Glorot initialization."),
                clipped.endEpoch().warnings());
    }

    /**
     * A convolution's buffer is [channels, positions], each the batch's largest value there: a channel is active when
     * any of its positions is positive (a leaky activation's negative maxima are not).
     */
    @Test
    void channelsAreActiveWhenAnyPositionIsPositive() {
        GradientHealth h = GradientHealth.of(new ModelSpec("M", "m.nabla", List.of(
                new BufferSpec("health:active:c", BufferRole.HEALTH, new int[] {3, 4}, null, "c", 0, 2)),
                SPEC.optimizer(), TrainConfig.EMPTY));
        float[][] maxima = {{-0.1f, -2, 0, -0.5f, 0, 0, 0, 0.25f, -1, -1, -1, -1}};
        h.afterTrainStep(maxima);
        assertEquals(new EpochHealth.Activity("c", 2, 3, 2), h.endEpoch().activations().get(0), "only channel 1");
        h.afterTrainStep(maxima);
        maxima[0][11] = 3;
        h.afterTrainStep(maxima);
        assertEquals(1, h.endEpoch().activations().get(0).dead(), "channel 2 at its last position on the second step");
    }

    @Test
    void aModelWithoutHealthBuffers_hasNoHealth() {
        assertNull(GradientHealth.of(new ModelSpec("M", "m.nabla", List.of(SPEC.buffers().get(0)), SPEC.optimizer(),
                TrainConfig.EMPTY)));
    }
}
