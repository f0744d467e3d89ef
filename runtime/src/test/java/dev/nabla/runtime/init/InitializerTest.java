package dev.nabla.runtime.init;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.InitSpec.Kind;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializerTest {

    private static float[] draw(Kind kind, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] out = new float[n];
        Initializer.fill(InitSpec.of(kind), shape, out, new Rng(1));
        return out;
    }

    private static double max(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double std(float[] v) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }

    @Test
    void fans_denseWeightInOut_convKernelOutInKhKw() {
        assertArrayEquals(new int[] {784, 256}, Initializer.fans(new int[] {784, 256}));
        assertArrayEquals(new int[] {8 * 25, 16 * 25}, Initializer.fans(new int[] {16, 8, 5, 5}));
        assertArrayEquals(new int[] {10, 10}, Initializer.fans(new int[] {10}));
    }

    @Test
    void heUniform_boundIsSqrtSixOverFanIn() {
        float[] w = draw(Kind.HE_UNIFORM, 600, 50);
        double bound = Math.sqrt(6.0 / 600);
        assertTrue(max(w) <= bound);
        assertTrue(max(w) > 0.99 * bound, "30000 draws reach the bound's neighbourhood");
        assertEquals(bound / Math.sqrt(3), std(w), 0.02 * bound);
    }

    @Test
    void glorotUniform_boundUsesFanInPlusFanOut() {
        float[] w = draw(Kind.GLOROT_UNIFORM, 300, 100);
        double bound = Math.sqrt(6.0 / 400);
        assertTrue(max(w) <= bound);
        assertTrue(max(w) > 0.99 * bound);
    }

    @Test
    void heNormal_stdIsSqrtTwoOverFanIn() {
        float[] w = draw(Kind.HE_NORMAL, 200, 100);
        assertEquals(Math.sqrt(2.0 / 200), std(w), 0.02 * Math.sqrt(2.0 / 200));
    }

    @Test
    void glorotNormal_convKernel_stdFromReceptiveField() {
        float[] w = draw(Kind.GLOROT_NORMAL, 32, 16, 5, 5);
        double expected = Math.sqrt(2.0 / (16 * 25 + 32 * 25));
        assertEquals(expected, std(w), 0.03 * expected);
    }

    @Test
    void constantAndUniformAndNormal_useTheirArguments() {
        float[] c = new float[3];
        Initializer.fill(new InitSpec(Kind.CONSTANT, 0.25, 0), new int[] {3}, c, new Rng(1));
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, c);
        float[] u = new float[5000];
        Initializer.fill(new InitSpec(Kind.UNIFORM, 2, 3), new int[] {5000}, u, new Rng(1));
        for (float x : u) {
            assertTrue(x >= 2 && x < 3);
        }
        float[] g = new float[20000];
        Initializer.fill(new InitSpec(Kind.NORMAL, 5, 0.5), new int[] {20000}, g, new Rng(1));
        assertEquals(0.5, std(g), 0.02);
    }

    @Test
    void initialize_sameSeedSameWeights_otherSeedOthers_gradsZeroed() {
        ModelSpec spec = new ModelSpec("m", "m.nabla", List.of(
                new BufferSpec("a.W", BufferRole.PARAM, new int[] {4, 3}, InitSpec.of(Kind.HE_UNIFORM), null, 0),
                new BufferSpec("b.W", BufferRole.PARAM, new int[] {4, 3}, InitSpec.of(Kind.HE_UNIFORM), null, 0),
                new BufferSpec("grad:a.W", BufferRole.GRAD, new int[] {4, 3}, null, "a.W", 0)),
                OptimizerSpec.sgd(0.1, 0, 0), TrainConfig.EMPTY);
        float[][] first = spec.allocate(1);
        first[2][0] = 7;
        Initializer.initialize(spec, first, 9);
        float[][] again = spec.allocate(1);
        Initializer.initialize(spec, again, 9);
        float[][] other = spec.allocate(1);
        Initializer.initialize(spec, other, 10);
        assertArrayEquals(first[0], again[0]);
        assertFalse(java.util.Arrays.equals(first[0], first[1]), "each parameter has its own stream");
        assertFalse(java.util.Arrays.equals(first[0], other[0]));
        assertEquals(0f, first[2][0]);
    }

    @Test
    void permutation_containsEveryIndexOnce() {
        int[] p = new Rng(3).permutation(100);
        boolean[] seen = new boolean[100];
        for (int i : p) {
            assertFalse(seen[i]);
            seen[i] = true;
        }
    }
}
