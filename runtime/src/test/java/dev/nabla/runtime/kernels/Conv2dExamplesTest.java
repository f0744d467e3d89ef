package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Hand-computed convolutions, through both families, and argument checks. */
class Conv2dExamplesTest {

    private static final Conv2dKernel[] FAMILIES = {VectorConv2d.INSTANCE, ScalarConv2d.INSTANCE};

    /**
     * x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], w = [[1, 0], [0, -1]] (x[i][j] - x[i+1][j+1]), bias 10, 2 x 2 outputs
     * without padding: 10 + (1-5, 2-6, 4-8, 5-9) = (6, 6, 6, 6); with ReLU, bias 5 gives (1, 1, 1, 1) and bias 3
     * gives (-1, ...) clipped to zeros.
     */
    @Test
    void forwardOfASmallKernel() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        for (Conv2dKernel kernel : FAMILIES) {
            float[] y = new float[4];
            Conv2d.forward(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, new float[] {10}, Gemm.ACT_NONE,
                    y);
            assertArrayEquals(new float[] {6, 6, 6, 6}, y, kernel.name());
            Conv2d.forward(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, new float[] {5}, Gemm.ACT_RELU,
                    y);
            assertArrayEquals(new float[] {1, 1, 1, 1}, y, kernel.name());
            Conv2d.forward(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, new float[] {3}, Gemm.ACT_RELU,
                    y);
            assertArrayEquals(new float[] {0, 0, 0, 0}, y, kernel.name());
        }
    }

    /**
     * Padding 1 with stride 2 on the same x and a 3 x 3 kernel of ones: windows centred at (0,0), (0,2), (2,0), (2,2)
     * sum their in-range neighbours: 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28. With two output
     * channels (the second kernel the negated first) and no bias.
     */
    @Test
    void forwardWithPaddingStrideAndTwoChannels() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = new float[18];
        Arrays.fill(w, 0, 9, 1f);
        Arrays.fill(w, 9, 18, -1f);
        for (Conv2dKernel kernel : FAMILIES) {
            float[] y = new float[8];
            Conv2d.forward(kernel, 1, 1, 3, 3, 2, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, x, w, null, Gemm.ACT_NONE, y);
            assertArrayEquals(new float[] {12, 16, 24, 28, -12, -16, -24, -28}, y, kernel.name());
        }
    }

    /**
     * Dilation 2: a 2 x 2 kernel [[1, 2], [3, 4]] on 3 x 3 x reads the corners: 1*1 + 2*3 + 3*7 + 4*9 = 64.
     * Asymmetric padding through the output size: top/left 0, one more output column that reads past the right edge:
     * outputs (0,0) = 64, (0,1) = 1*2 + 3*8 = 26 (its right taps fall outside).
     */
    @Test
    void forwardWithDilationAndRightPaddingFromTheOutputSize() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 2, 3, 4};
        for (Conv2dKernel kernel : FAMILIES) {
            float[] y = new float[2];
            Conv2d.forward(kernel, 1, 1, 3, 3, 1, 2, 2, 1, 2, 1, 1, 0, 0, 2, 2, x, w, null, Gemm.ACT_NONE, y);
            assertArrayEquals(new float[] {64, 26}, y, kernel.name());
        }
    }

    /**
     * The gradients of {@link #forwardOfASmallKernel} for g = (1, 2, 3, 4): dx spreads g through w (+g at the window's
     * top-left, -g at its bottom-right); dw[i][j] = sum g * x shifted: dw[0][0] = 1*1+2*2+3*4+4*5 = 37,
     * dw[0][1] = 1*2+2*3+3*5+4*6 = 47, dw[1][0] = 1*4+2*5+3*7+4*8 = 67, dw[1][1] = 1*5+2*6+3*8+4*9 = 77; db = 10.
     */
    @Test
    void gradientsOfASmallKernel() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        float[] g = {1, 2, 3, 4};
        for (Conv2dKernel kernel : FAMILIES) {
            float[] dx = new float[9];
            Arrays.fill(dx, 42f);
            Conv2d.inputGrad(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, g, w, dx);
            assertArrayEquals(new float[] {1, 2, 0, 3, 4 - 1, -2, 0, -3, -4}, dx, kernel.name());
            float[] dw = new float[4];
            float[] db = new float[1];
            Conv2d.filterGrad(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, g, dw, db);
            assertArrayEquals(new float[] {37, 47, 67, 77}, dw, kernel.name());
            assertArrayEquals(new float[] {10}, db, kernel.name());
            Conv2d.filterGrad(kernel, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, g, dw, null);
            assertArrayEquals(new float[] {37, 47, 67, 77}, dw, kernel.name());
        }
    }

    /** A 1 x 1 kernel is a per-position matrix product over channels: y[o][p] = sum_c w[o][c] * x[c][p]. */
    @Test
    void oneByOneKernelMixesChannels() {
        float[] x = {1, 2, 3, 4, 10, 20, 30, 40}; // 2 channels of 2 x 2
        float[] w = {1, 1, 2, -1}; // o=0: x0 + x1; o=1: 2*x0 - x1
        for (Conv2dKernel kernel : FAMILIES) {
            float[] y = new float[8];
            Conv2d.forward(kernel, 1, 2, 2, 2, 2, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, x, w, null, Gemm.ACT_NONE, y);
            assertArrayEquals(new float[] {11, 22, 33, 44, -8, -16, -24, -32}, y, kernel.name());
        }
    }

    /** A batch of zero images writes zeros to the filter gradient (it is overwritten) and nothing else. */
    @Test
    void emptyBatchClearsTheFilterGradient() {
        for (Conv2dKernel kernel : FAMILIES) {
            float[] dw = {1, 2, 3, 4};
            float[] db = {5};
            Conv2d.filterGrad(kernel, 0, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, new float[0], new float[0], dw, db);
            assertArrayEquals(new float[4], dw);
            assertArrayEquals(new float[1], db);
            Conv2d.forward(kernel, 0, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, new float[0], new float[4], null, 0,
                    new float[0]);
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsWritten() {
        float[] x = new float[9];
        float[] w = new float[4];
        float[] y = {7, 7, 7, 7};
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, new float[8], w, null, 0, y));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, new float[0], 0, y));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, null, 0, new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 0, 1, 0, 0, 1, 1, x, w, null, 0, y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, -1, 0, 1, 1, x, w, null, 0, y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, w, null, 2, y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, null, w, null, 0, y));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2d.inputGrad(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, new float[4], w, new float[8]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2d.filterGrad(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, x, new float[4], new float[3],
                        null));
        assertArrayEquals(new float[] {7, 7, 7, 7}, y);
    }

    @Test
    void theFamilyFollowsTheVectorProperty() {
        assertEquals("scalar", Conv2d.chooseKernel("false").name());
        assertEquals("vector", Conv2d.chooseKernel(null).name());
        assertEquals("scalar", Pool2d.chooseKernel("FALSE").name());
        assertEquals("vector", Pool2d.chooseKernel("true").name());
        assertEquals("vector", Pool2d.implementation());
    }
}
