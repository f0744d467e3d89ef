package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.runtime.VectorApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public entry points: argument checks, the choice of implementation, and the small helpers. */
class GemmFacadeTest {

    @Test
    void gemmComputesTheProductOfTransposedOperands() {
        // A^T is [[1,2],[3,4]] stored transposed; B^T is [[5,6],[7,8]] stored transposed.
        float[] at = {1, 3, 2, 4};
        float[] bt = {5, 7, 6, 8};
        float[] c = {100, 100, 100, 100};
        Gemm.gemm(true, true, 2, 2, 2, at, 0, bt, 0, c, 0, true);
        assertArrayEquals(new float[] {119, 122, 143, 150}, c);
    }

    @Test
    void gemmBiasActAddsBiasAndClampsNegativesToZero() {
        float[] a = {1, -2};
        float[] b = {1, 2, 3, 1, 1, 1};
        float[] c = new float[3];
        Gemm.gemmBiasAct(false, 1, 3, 2, a, 0, b, 0, c, 0, new float[] {9, 0.5f, -5}, 0, Gemm.ACT_RELU);
        assertArrayEquals(new float[] {8, 0.5f, 0}, c);
    }

    @Test
    void gemmBiasActMatchesReferenceOnTheFirstW1Layer() {
        Problem p = new Problem(false, false, 128, 256, 784, false, true, Gemm.ACT_RELU, 11);
        Gemm.gemmBiasAct(false, p.m, p.n, p.k, p.a, p.aOff, p.b, p.bOff, p.c, p.cOff, p.bias, p.biasOff,
                Gemm.ACT_RELU);
        assertNull(p.mismatch());
    }

    @Test
    void zeroDepthProductLeavesOnlyBiasAndOldValues() {
        float[] c = {1, -1};
        Gemm.gemm(false, false, 1, 2, 0, new float[0], 0, new float[0], 0, c, 0, true);
        assertArrayEquals(new float[] {1, -1}, c);
        Gemm.gemm(false, false, 1, 2, 0, new float[0], 0, new float[0], 0, c, 0, false);
        assertArrayEquals(new float[] {0, 0}, c);
    }

    @Test
    void operandsThatDoNotFitTheirArraysAreRejectedBeforeWriting() {
        float[] c = new float[4];
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.gemm(false, false, 2, 2, 3, new float[5], 0, new float[6], 0, c, 0, false));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.gemm(false, false, 2, 2, 1, new float[2], 0, new float[2], 0, c, 1, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.gemmBiasAct(false, 2, 2, 1, new float[2], 0,
                new float[2], 0, c, 0, new float[1], 0, Gemm.ACT_NONE));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, -1, 2, 1, new float[2], 0, new float[2], 0, c, 0, false));
        assertArrayEquals(new float[4], c);
    }

    @Test
    void unknownActivationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemmBiasAct(false, 1, 1, 1, new float[1], 0,
                new float[1], 0, new float[1], 0, null, 0, 7));
    }

    @Test
    void threadCountOutsideOneToSixtyFourIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Gemm.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Gemm.setThreads(65));
    }

    @Test
    void setThreadsChangesThreads() {
        int saved = Gemm.threads();
        try {
            Gemm.setThreads(3);
            assertEquals(3, Gemm.threads());
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Test
    void vectorPropertyFalseSelectsTheScalarKernel() {
        assertSame(ScalarGemm.INSTANCE, Gemm.chooseKernel("false"));
        assertSame(VectorGemm.INSTANCE, Gemm.chooseKernel(null));
        assertSame(VectorGemm.INSTANCE, Gemm.chooseKernel("true"));
    }

    /** Products, convolutions and pooling pick their family by the rule generated models use ({@link VectorApi}). */
    @ParameterizedTest(name = "nabla.vector={0}")
    @ValueSource(strings = {"false", "FALSE", "False", "true", "TRUE", "<absent>"})
    void everyKernelFamily_followsTheOneVectorRule(String value) {
        String property = value.equals("<absent>") ? null : value;
        String family = VectorApi.enabled(property) ? "vector" : "scalar";
        assertEquals(family, Gemm.chooseKernel(property) == VectorGemm.INSTANCE ? "vector" : "scalar");
        assertEquals(family, Conv2d.chooseKernel(property).name());
        assertEquals(family, Pool2d.chooseKernel(property).name());
    }

    @Test
    void sumRowsAddsEachColumnOverRows() {
        float[] g = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] out = {0, 100, 100, 100, 0};
        Gemm.sumRows(3, 3, g, 1, out, 1, false);
        assertArrayEquals(new float[] {0, 12, 15, 18, 0}, out);
        Gemm.sumRows(3, 3, g, 1, out, 1, true);
        assertArrayEquals(new float[] {0, 24, 30, 36, 0}, out);
    }

    @Test
    void reluBackwardPassesGradientWhereTheOutputIsPositive() {
        float[] grad = {1, 2, 3, 4};
        float[] y = {0.5f, 0, -1, 2};
        float[] out = new float[4];
        Gemm.reluBackward(4, grad, 0, y, 0, out, 0);
        assertArrayEquals(new float[] {1, 0, 0, 4}, out);
        Gemm.reluBackward(3, grad, 1, y, 1, grad, 1);
        assertArrayEquals(new float[] {1, 0, 0, 4}, grad);
    }

    @Test
    void helpersRejectRangesOutsideTheirArrays() {
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.sumRows(2, 2, new float[3], 0, new float[2], 0, false));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.reluBackward(3, new float[3], 0, new float[3], 1, new float[3], 0));
    }
}
