package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import org.junit.jupiter.api.Test;

import static dev.nabla.compiler.interp.OneOp.eval;
import static dev.nabla.compiler.interp.OneOp.s;
import static dev.nabla.compiler.interp.OneOp.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Convolution, pooling and pow against values computed by hand (the working is in the comments). */
class WindowsTest {

    private static final double EPS = 1e-12;
    /** [[1,2,3],[4,5,6],[7,8,9]] as 1x1x3x3. */
    private static final Tensor X3 = t(s(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
    /** [[1,2],[3,4]] as a 1x1x2x2 kernel. */
    private static final Tensor K2 = t(s(1, 1, 2, 2), 1, 2, 3, 4);

    private static void assertData(Tensor actual, int[] shape, double... expected) {
        assertArrayEquals(shape, actual.shape());
        assertArrayEquals(expected, actual.data(), EPS);
    }

    /** A square window k x k over an h x w input, stride s, the same padding on every side, dilation d. */
    private static Attr.Window window(int k, int stride, int pad, int dilation, int h, int w) {
        return new Attr.Window(k, k, stride, stride, pad, pad, pad, pad, dilation, dilation, h, w);
    }

    @Test
    void conv2d_valid_twoByTwoKernelOverThreeByThree() {
        // y00 = 1*1 + 2*2 + 3*4 + 4*5 = 37; y01 = 1*2 + 2*3 + 3*5 + 4*6 = 47;
        // y10 = 1*4 + 2*5 + 3*7 + 4*8 = 67; y11 = 1*5 + 2*6 + 3*8 + 4*9 = 77
        assertData(eval(Op.CONV2D, window(2, 1, 0, 1, 3, 3), X3, K2), s(1, 1, 2, 2), 37, 47, 67, 77);
    }

    @Test
    void conv2d_strideTwoPaddingOne_readsZerosInThePadding() {
        // out = floor((3 + 2 - 1 - 1) / 2) + 1 = 2; windows start at rows/cols -1 and 1:
        // y00 = 4*x00 = 4; y01 = 3*x01 + 4*x02 = 6 + 12 = 18; y10 = 2*x10 + 4*x20 = 8 + 28 = 36;
        // y11 = 1*5 + 2*6 + 3*8 + 4*9 = 77
        assertData(eval(Op.CONV2D, window(2, 2, 1, 1, 3, 3), X3, K2), s(1, 1, 2, 2), 4, 18, 36, 77);
    }

    @Test
    void conv2d_dilationTwo_readsTheCorners() {
        // taps (0,0), (0,2), (2,0), (2,2): 1*1 + 2*3 + 3*7 + 4*9 = 64
        assertData(eval(Op.CONV2D, window(2, 1, 0, 2, 3, 3), X3, K2), s(1, 1, 1, 1), 64);
    }

    @Test
    void conv2d_asymmetricPadding_onlyOnTheRightAndBottom() {
        // pad bottom/right 1 (PyTorch's "same" for a 2x2 window): out 3x3, the last row/column reads zeros
        Attr.Window w = new Attr.Window(2, 2, 1, 1, 0, 0, 1, 1, 1, 1, 3, 3);
        // y02 = 1*3 + 3*6 = 21; y12 = 1*6 + 3*9 = 33; y20 = 1*7 + 2*8 = 23; y21 = 1*8 + 2*9 = 26; y22 = 9
        assertData(eval(Op.CONV2D, w, X3, K2), s(1, 1, 3, 3), 37, 47, 21, 67, 77, 33, 23, 26, 9);
    }

    @Test
    void conv2d_oneByOneKernel_mixesChannels() {
        Tensor x = t(s(1, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        Tensor k = t(s(2, 2, 1, 1), 1, 1, 1, -1);   // out 0 = c0 + c1, out 1 = c0 - c1
        assertData(eval(Op.CONV2D, window(1, 1, 0, 1, 2, 2), x, k), s(1, 2, 2, 2), 6, 8, 10, 12, -4, -4, -4, -4);
    }

    @Test
    void conv2dBackwardInput_strideTwoPaddingOne() {
        // non-overlapping taps: each x gets one g * w; e.g. x00 <- g00 * w11 = 4, x11 <- g11 * w00 = 4,
        // x22 <- g11 * w11 = 16. Check: <x, dx> = 456 = <conv(x, w), g> = 4*1 + 18*2 + 36*3 + 77*4.
        Tensor g = t(s(1, 1, 2, 2), 1, 2, 3, 4);
        assertData(eval(Op.CONV2D_BACKWARD_INPUT, window(2, 2, 1, 1, 3, 3), g, K2), s(1, 1, 3, 3),
                4, 6, 8, 6, 4, 8, 12, 12, 16);
    }

    @Test
    void conv2dBackwardInput_valid_placesTheKernel() {
        Tensor g = t(s(1, 1, 2, 2), 1, 0, 0, 0);
        assertData(eval(Op.CONV2D_BACKWARD_INPUT, window(2, 1, 0, 1, 3, 3), g, K2), s(1, 1, 3, 3),
                1, 2, 0, 3, 4, 0, 0, 0, 0);
    }

    @Test
    void conv2dBackwardFilter_strideTwoPaddingOne() {
        // dw00 = g11*x11 = 20; dw01 = g10*x10 + g11*x12 = 12 + 24; dw10 = g01*x01 + g11*x21 = 4 + 32;
        // dw11 = 1*1 + 2*3 + 3*7 + 4*9 = 64. Check: <w, dw> = 20 + 72 + 108 + 256 = 456.
        Tensor g = t(s(1, 1, 2, 2), 1, 2, 3, 4);
        assertData(eval(Op.CONV2D_BACKWARD_FILTER, window(2, 2, 1, 1, 3, 3), X3, g), s(1, 1, 2, 2), 20, 36, 36, 64);
    }

    @Test
    void conv2dBackwardFilter_sumsOverTheBatch() {
        Tensor x = t(s(2, 1, 1, 1), 3, 5);
        Tensor g = t(s(2, 1, 1, 1), 2, 10);
        assertData(eval(Op.CONV2D_BACKWARD_FILTER, window(1, 1, 0, 1, 1, 1), x, g), s(1, 1, 1, 1), 56);
    }

    private static final Tensor X4 = t(s(1, 1, 4, 4),
            1, 3, 2, 4,
            5, 6, 1, 2,
            7, 2, 9, 0,
            1, 8, 3, 3);

    @Test
    void maxPool_twoByTwoStrideTwo() {
        assertData(eval(Op.MAX_POOL2D, window(2, 2, 0, 1, 4, 4), X4), s(1, 1, 2, 2), 6, 4, 8, 9);
    }

    @Test
    void maxPool_paddingNeverWins_evenOverNegativeValues() {
        // 3x3 windows of the padded 4x4; window (0,0) sees only x00, window (1,1) all four
        Tensor x = t(s(1, 1, 2, 2), -1, -2, -3, -4);
        assertData(eval(Op.MAX_POOL2D, window(2, 1, 1, 1, 2, 2), x), s(1, 1, 3, 3),
                -1, -1, -2, -1, -1, -2, -3, -3, -4);
    }

    @Test
    void maxPoolBackward_tiesGoToTheFirstMaximumInRowMajorOrder() {
        Attr.Window w = window(2, 2, 0, 1, 2, 2);
        assertData(eval(Op.MAX_POOL2D_BACKWARD, w, t(s(1, 1, 2, 2), 5, 5, 5, 1), t(s(1, 1, 1, 1), 2)),
                s(1, 1, 2, 2), 2, 0, 0, 0);
        assertData(eval(Op.MAX_POOL2D_BACKWARD, w, t(s(1, 1, 2, 2), 1, 7, 7, 7), t(s(1, 1, 1, 1), 2)),
                s(1, 1, 2, 2), 0, 2, 0, 0);
    }

    @Test
    void maxPoolBackward_overlappingWindowsAccumulate() {
        // 1x2 windows of [1, 3, 2] at stride 1: both maxima are the 3
        Attr.Window w = new Attr.Window(1, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3);
        assertData(eval(Op.MAX_POOL2D_BACKWARD, w, t(s(1, 1, 1, 3), 1, 3, 2), t(s(1, 1, 1, 2), 1, 2)),
                s(1, 1, 1, 3), 0, 3, 0);
    }

    @Test
    void maxPoolBackward_strideTwo() {
        Tensor g = t(s(1, 1, 2, 2), 10, 20, 30, 40);
        assertData(eval(Op.MAX_POOL2D_BACKWARD, window(2, 2, 0, 1, 4, 4), X4, g), s(1, 1, 4, 4),
                0, 0, 0, 20,
                0, 10, 0, 0,
                0, 0, 40, 0,
                0, 30, 0, 0);
    }

    @Test
    void maxPoolGather_readsAtTheFirstMaximum() {
        Tensor h = t(s(1, 1, 2, 2), 10, 20, 30, 40);
        assertData(eval(Op.MAX_POOL2D_GATHER, window(2, 2, 0, 1, 2, 2), t(s(1, 1, 2, 2), 5, 5, 5, 1), h),
                s(1, 1, 1, 1), 10);
        assertData(eval(Op.MAX_POOL2D_GATHER, window(2, 2, 0, 1, 4, 4), X4, X4), s(1, 1, 2, 2), 6, 4, 8, 9);
    }

    @Test
    void avgPool_twoByTwoStrideTwo() {
        // (1+3+5+6)/4, (2+4+1+2)/4, (7+2+1+8)/4, (9+0+3+3)/4
        assertData(eval(Op.AVG_POOL2D, window(2, 2, 0, 1, 4, 4), X4), s(1, 1, 2, 2), 3.75, 2.25, 4.5, 3.75);
    }

    @Test
    void avgPool_countsThePaddingInTheDivisor() {
        // every window divides by 4, however many real taps it has: (0,0) = 1/4, (1,1) = 10/4, (2,1) = 7/4
        Tensor x = t(s(1, 1, 2, 2), 1, 2, 3, 4);
        assertData(eval(Op.AVG_POOL2D, window(2, 1, 1, 1, 2, 2), x), s(1, 1, 3, 3),
                0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1);
    }

    @Test
    void avgPoolBackward_spreadsAQuarterOfEachGradientOverItsRealTaps() {
        // dx00 = (g00 + g01 + g10 + g11) / 4 = (1+2+4+5)/4 = 3; dx01 = (2+3+5+6)/4 = 4; dx10 = 6; dx11 = 7
        Tensor g = t(s(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertData(eval(Op.AVG_POOL2D_BACKWARD, window(2, 1, 1, 1, 2, 2), g), s(1, 1, 2, 2), 3, 4, 6, 7);
    }

    @Test
    void pow_isMathPow() {
        assertData(eval(Op.POW, Attr.NONE, t(s(3), 2, 4, 9), t(s(3), 3, 0.5, 0.5)), s(3), 8, 2, 3);
        assertData(eval(Op.POW, Attr.NONE, t(s(2), 2, 3), t(s(), 2)), s(2), 4, 9);
    }
}
