package dev.nabla.runtime.optim;

import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.OptimizerSpec.Kind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each rule against its published formula (torch.optim documentation), recomputed here in double, one
 * parameter, three steps with changing gradients.
 */
class ReferenceOptimizerTest {

    private static final double[] GRADS = {0.5, -1.25, 2.0};
    private static final double P0 = 1.5;
    private static final double LR = 0.1;

    private static double[] run(OptimizerSpec spec, double gradScale) {
        float[] p = {(float) P0};
        float[][] slots = new float[spec.stateSlots()][1];
        double[] trace = new double[GRADS.length];
        for (int t = 0; t < GRADS.length; t++) {
            float[] hyper = {(float) LR, t + 1, (float) gradScale};
            ReferenceOptimizer.update(spec, p, new float[] {(float) GRADS[t]}, slots, hyper, 1);
            trace[t] = p[0];
        }
        return trace;
    }

    private static void assertTrace(double[] expected, double[] actual) {
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], actual[t], 1e-5 * Math.max(1, Math.abs(expected[t])), "after step " + (t + 1));
        }
    }

    @Test
    void sgd_plainWithWeightDecay_matchesFormula() {
        OptimizerSpec spec = OptimizerSpec.sgd(LR, 0, 0.01);
        double p = P0;
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            double g = GRADS[t] + 0.01 * p;
            p = p - LR * g;
            expected[t] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void sgd_momentum_bufferStartsAtFirstGradient() {
        // torch.optim.SGD sets buf = grad on the first step, then buf = momentum * buf + grad (dampening 0). Checked on
        // the buffer itself: after one step it holds exactly the gradient, not momentum-weighted or damped.
        OptimizerSpec spec = OptimizerSpec.sgd(LR, 0.9, 0);
        float[] p = {(float) P0};
        float[][] slots = new float[spec.stateSlots()][1];
        ReferenceOptimizer.update(spec, p, new float[] {(float) GRADS[0]}, slots, new float[] {(float) LR, 1, 1}, 1);
        assertEquals((float) GRADS[0], slots[0][0], "buffer after the first step");
        assertEquals((float) (P0 - LR * GRADS[0]), p[0], 1e-7, "first step is a plain gradient step");
        ReferenceOptimizer.update(spec, p, new float[] {(float) GRADS[1]}, slots, new float[] {(float) LR, 2, 1}, 1);
        assertEquals((float) (0.9 * GRADS[0] + GRADS[1]), slots[0][0], 1e-7, "buffer after the second step");
        double buf = 0.9 * GRADS[0] + GRADS[1];
        double[] expected = {P0 - LR * GRADS[0], P0 - LR * GRADS[0] - LR * buf,
                P0 - LR * GRADS[0] - LR * buf - LR * (0.9 * buf + GRADS[2])};
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void nesterov_usesGradientPlusMomentumTimesBuffer() {
        OptimizerSpec spec = new OptimizerSpec(Kind.NESTEROV, LR, 0.9, 0.9, 0.999, 0.99, 1e-8, 0.001);
        double p = P0;
        double buf = 0;
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            double g = GRADS[t] + 0.001 * p;
            buf = t == 0 ? g : 0.9 * buf + g;
            p = p - LR * (g + 0.9 * buf);
            expected[t] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void adam_biasCorrectedMoments_matchFormula() {
        OptimizerSpec spec = new OptimizerSpec(Kind.ADAM, LR, 0, 0.9, 0.999, 0.99, 1e-8, 0.02);
        double p = P0;
        double m = 0;
        double v = 0;
        double[] expected = new double[3];
        for (int t = 1; t <= 3; t++) {
            double g = GRADS[t - 1] + 0.02 * p;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            double mHat = m / (1 - Math.pow(0.9, t));
            double vHat = v / (1 - Math.pow(0.999, t));
            p = p - LR * mHat / (Math.sqrt(vHat) + 1e-8);
            expected[t - 1] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void adamw_decaysWeightsBeforeTheAdamStep() {
        OptimizerSpec spec = OptimizerSpec.defaults(Kind.ADAMW);
        double lr = LR;
        double p = P0;
        double m = 0;
        double v = 0;
        double[] expected = new double[3];
        for (int t = 1; t <= 3; t++) {
            double g = GRADS[t - 1];
            p = p * (1 - lr * 0.01);
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            p = p - lr * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
            expected[t - 1] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void rmsprop_withoutMomentum_matchesFormula() {
        OptimizerSpec spec = OptimizerSpec.defaults(Kind.RMSPROP);
        double p = P0;
        double sq = 0;
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            double g = GRADS[t];
            sq = 0.99 * sq + 0.01 * g * g;
            p = p - LR * g / (Math.sqrt(sq) + 1e-8);
            expected[t] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void rmsprop_withMomentum_accumulatesNormalizedSteps() {
        OptimizerSpec spec = new OptimizerSpec(Kind.RMSPROP, LR, 0.5, 0.9, 0.999, 0.9, 1e-8, 0);
        double p = P0;
        double sq = 0;
        double buf = 0;
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            double g = GRADS[t];
            sq = 0.9 * sq + 0.1 * g * g;
            buf = 0.5 * buf + g / (Math.sqrt(sq) + 1e-8);
            p = p - LR * buf;
            expected[t] = p;
        }
        assertTrace(expected, run(spec, 1));
    }

    @Test
    void gradScale_multipliesGradientBeforeWeightDecay() {
        OptimizerSpec spec = OptimizerSpec.sgd(LR, 0, 0.1);
        double p = P0;
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            double g = 0.25 * GRADS[t] + 0.1 * p;
            p = p - LR * g;
            expected[t] = p;
        }
        assertTrace(expected, run(spec, 0.25));
    }

    @Test
    void update_tooFewSlots_isRejected() {
        OptimizerSpec spec = OptimizerSpec.defaults(Kind.ADAM);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                ReferenceOptimizer.update(spec, new float[1], new float[1], new float[1][1], new float[] {1, 1, 1}, 1));
    }
}
