package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Both pooling families against a reference (the window's first maximum in row-major order, a NaN counting as the
 * maximum and the first NaN winning; averages in double), over random geometries and the 2 x 2 windows with their
 * own vector loops; plus hand-computed examples.
 */
class Pool2dReferenceProperties {

    private static int savedThreads;
    private static final Pool2dKernel[] FAMILIES = {VectorPool2d.INSTANCE, ScalarPool2d.INSTANCE};

    @BeforeContainer
    static void oneThread() {
        savedThreads = Gemm.threads();
        Gemm.setThreads(1);
    }

    @AfterContainer
    static void restore() {
        Gemm.setThreads(savedThreads);
    }

    /** A pooling geometry and data; {@code x} holds ties and, if asked, NaNs. */
    record Case(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw, int ph, int pw,
                float[] x, float[] g, float[] hx) {

        static Case random(Random r, boolean twoByTwo, boolean nans) {
            int batch = 1 + r.nextInt(3);
            int c = 1 + r.nextInt(4);
            int kh = twoByTwo ? 2 : 1 + r.nextInt(4);
            int kw = twoByTwo ? 2 : 1 + r.nextInt(4);
            int sh = twoByTwo ? 2 : 1 + r.nextInt(3);
            int sw = twoByTwo ? 2 : 1 + r.nextInt(3);
            int ph = twoByTwo ? 0 : r.nextInt(kh / 2 + 1);
            int pw = twoByTwo ? 0 : r.nextInt(kw / 2 + 1);
            int pb = twoByTwo ? 0 : r.nextInt(kh / 2 + 1);
            int pr = twoByTwo ? 0 : r.nextInt(kw / 2 + 1);
            int h = Math.max(kh - ph - pb, 1) + r.nextInt(twoByTwo ? 20 : 12);
            int w = Math.max(kw - pw - pr, 1) + r.nextInt(twoByTwo ? 40 : 12);
            if (twoByTwo) {
                h = Math.max(h, 2);
                w = Math.max(w, 2);
                if (r.nextInt(4) == 0) {
                    w = 2 * VectorConv2d.lanes() / 2 * (r.nextBoolean() ? 1 : 2); // rows of one or two vectors
                }
            }
            int oh = (h + ph + pb - kh) / sh + 1;
            int ow = (w + pw + pr - kw) / sw + 1;
            int n = batch * c * h * w;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextInt(3) == 0 ? r.nextInt(3) - 1 : (float) (r.nextDouble() * 2 - 1); // many ties
                if (nans && r.nextInt(10) == 0) {
                    x[i] = Float.NaN;
                }
                if (r.nextInt(40) == 0) {
                    x[i] = r.nextBoolean() ? -0f : 0f;
                }
            }
            return new Case(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x,
                    ConvCase.random(r, batch * c * oh * ow), ConvCase.random(r, n));
        }

        int outLen() {
            return batch * c * oh * ow;
        }

        /** Index in x of the maximum of output {@code (plane, oy, ox)}: first in row-major order, first NaN wins. */
        int argmax(int plane, int oy, int ox) {
            int best = -1;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int iy = oy * sh - ph + i;
                    int ix = ox * sw - pw + j;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                        continue;
                    }
                    int at = (plane * h + iy) * w + ix;
                    if (best < 0 || (!Float.isNaN(x[best]) && (Float.isNaN(x[at]) || x[at] > x[best]))) {
                        best = at;
                    }
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return "batch=" + batch + " c=" + c + " in=" + h + "x" + w + " k=" + kh + "x" + kw + " out=" + oh + "x"
                    + ow + " stride=" + sh + "," + sw + " pad=" + ph + "," + pw;
        }
    }

    @Property(tries = 200)
    void maxPoolingMatchesReference(@ForAll long seed) {
        Random r = new Random(seed);
        checkMax(Case.random(r, r.nextInt(3) == 0, r.nextBoolean()));
    }

    /** 2 x 2, stride 2: the shapes with vector loops (rows of at least a vector, rows of one input vector, tails). */
    @Property(tries = 200)
    void twoByTwoMaxPoolingMatchesReference(@ForAll long seed) {
        Random r = new Random(seed);
        checkMax(Case.random(r, true, r.nextInt(4) == 0));
    }

    @Property(tries = 150)
    void averagePoolingMatchesReference(@ForAll long seed) {
        Random r = new Random(seed);
        checkAvg(Case.random(r, r.nextInt(4) == 0, false));
    }

    @Example
    void w2PoolsMatchReference() {
        Random r = new Random(9);
        for (int[] s : new int[][] {{3, 8, 24, 24}, {3, 16, 8, 8}}) {
            int n = s[0] * s[1] * s[2] * s[3];
            Case cs = new Case(s[0], s[1], s[2], s[3], 2, 2, s[2] / 2, s[3] / 2, 2, 2, 0, 0, ConvCase.random(r, n),
                    ConvCase.random(r, n / 4), ConvCase.random(r, n));
            checkMax(cs);
            checkAvg(cs);
        }
    }

    static void checkMax(Case cs) {
        int planes = cs.batch * cs.c;
        int outLen = cs.outLen();
        int inLen = cs.x.length;
        float[] wantY = new float[outLen];
        float[] wantOut = new float[outLen];
        double[] wantDx = new double[inLen];
        int[] hits = new int[inLen];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < cs.oh; oy++) {
                for (int ox = 0; ox < cs.ow; ox++) {
                    int o = (pl * cs.oh + oy) * cs.ow + ox;
                    int at = cs.argmax(pl, oy, ox);
                    wantY[o] = cs.x[at];
                    wantOut[o] = cs.hx[at];
                    wantDx[at] += cs.g[o];
                    hits[at]++;
                }
            }
        }
        for (Pool2dKernel kernel : FAMILIES) {
            String what = kernel.name() + " " + cs;
            float[] y = Conv2dReferenceProperties.guarded(outLen, 1);
            Pool2d.maxForward(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.x, y);
            assertSameValues(wantY, y, outLen, "maxForward " + what);
            Conv2dReferenceProperties.assertGuard(y, outLen, what);
            float[] out = Conv2dReferenceProperties.guarded(outLen, 2);
            Pool2d.maxGather(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.x, cs.hx, out);
            assertBitsEqual(wantOut, out, outLen, "maxGather " + what);
            Conv2dReferenceProperties.assertGuard(out, outLen, what);
            float[] dx = Conv2dReferenceProperties.guarded(inLen, 3);
            Pool2d.maxBackward(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.x, cs.g, dx);
            double[] abs = new double[inLen];
            for (int i = 0; i < inLen; i++) {
                abs[i] = hits[i] > 1 ? 1.0 : 0.0; // a sum of up to 16 terms in [-1, 1]
            }
            assertNull(ConvCase.mismatch(dx, 0, wantDx, 0, abs, inLen, 16), () -> "maxBackward " + what);
            Conv2dReferenceProperties.assertGuard(dx, inLen, what);
            // The same gradient through a ReLU: zero wherever x is not positive (NaN included).
            float[] masked = Conv2dReferenceProperties.guarded(inLen, 6);
            Pool2d.maxBackward(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.x, cs.g, masked, Pool2d.MAX_BACKWARD_RELU);
            for (int i = 0; i < inLen; i++) {
                int e = i;
                float want = cs.x[i] > 0 ? dx[i] : 0f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(masked[i]),
                        () -> "maxBackwardRelu " + what + ": element " + e);
            }
            Conv2dReferenceProperties.assertGuard(masked, inLen, what);
        }
    }

    static void checkAvg(Case cs) {
        int planes = cs.batch * cs.c;
        int outLen = cs.outLen();
        int inLen = cs.x.length;
        double[] wantY = new double[outLen];
        double[] absY = new double[outLen];
        double[] wantDx = new double[inLen];
        double[] absDx = new double[inLen];
        double div = cs.kh * cs.kw;
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < cs.oh; oy++) {
                for (int ox = 0; ox < cs.ow; ox++) {
                    int o = (pl * cs.oh + oy) * cs.ow + ox;
                    for (int i = 0; i < cs.kh; i++) {
                        for (int j = 0; j < cs.kw; j++) {
                            int iy = oy * cs.sh - cs.ph + i;
                            int ix = ox * cs.sw - cs.pw + j;
                            if (iy >= 0 && iy < cs.h && ix >= 0 && ix < cs.w) {
                                int at = (pl * cs.h + iy) * cs.w + ix;
                                wantY[o] += cs.x[at] / div;
                                absY[o] += Math.abs(cs.x[at]) / div;
                                wantDx[at] += cs.g[o] / div;
                                absDx[at] += Math.abs(cs.g[o]) / div;
                            }
                        }
                    }
                }
            }
        }
        for (Pool2dKernel kernel : FAMILIES) {
            String what = kernel.name() + " " + cs;
            float[] y = Conv2dReferenceProperties.guarded(outLen, 4);
            Pool2d.avgForward(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.x, y);
            assertNull(ConvCase.mismatch(y, 0, wantY, 0, absY, outLen, 16), () -> "avgForward " + what);
            Conv2dReferenceProperties.assertGuard(y, outLen, what);
            float[] dx = Conv2dReferenceProperties.guarded(inLen, 5);
            Pool2d.avgBackward(kernel, cs.batch, cs.c, cs.h, cs.w, cs.kh, cs.kw, cs.oh, cs.ow, cs.sh, cs.sw, cs.ph,
                    cs.pw, cs.g, dx);
            assertNull(ConvCase.mismatch(dx, 0, wantDx, 0, absDx, inLen, 16), () -> "avgBackward " + what);
            Conv2dReferenceProperties.assertGuard(dx, inLen, what);
        }
    }

    /** Equal values: NaN where NaN is wanted, -0 and +0 alike (the Vector API maximum may give +0 for a first -0). */
    static void assertSameValues(float[] want, float[] got, int len, String what) {
        for (int i = 0; i < len; i++) {
            int e = i;
            boolean same = Float.isNaN(want[i]) ? Float.isNaN(got[i]) : want[i] == got[i];
            assertEquals(true, same, () -> what + ": element " + e + " want " + want[e] + " got " + got[e]);
        }
    }

    /** Equal bit for bit (NaN payloads and zero signs included), as hx[argmax] is copied, not computed. */
    static void assertBitsEqual(float[] want, float[] got, int len, String what) {
        for (int i = 0; i < len; i++) {
            int e = i;
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    () -> what + ": element " + e + " want " + want[e] + " got " + got[e]);
        }
    }

    // ---------------------------------------------------------------- hand-computed examples

    @Example
    void twoByTwoMaxPoolPicksTheFirstOfTiesAndRoutesTheGradientThere() {
        // 1 x 4 x 4 input: windows [[5, 5], [1, 2]] (tie: first), [[0, 3], [3, 1]] (tie), [[-1, -2], [-3, -1]],
        // [[7, 0], [0, 7]].
        float[] x = {
            5, 5, 0, 3,
            1, 2, 3, 1,
            -1, -2, 7, 0,
            -3, -1, 0, 7};
        float[] g = {10, 20, 30, 40};
        for (Pool2dKernel kernel : FAMILIES) {
            float[] y = new float[4];
            Pool2d.maxForward(kernel, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0, x, y);
            assertArrayEquals(new float[] {5, 3, -1, 7}, y, kernel.name());
            float[] dx = new float[16];
            java.util.Arrays.fill(dx, 99f);
            Pool2d.maxBackward(kernel, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0, x, g, dx);
            assertArrayEquals(new float[] {
                10, 0, 0, 20,
                0, 0, 0, 0,
                30, 0, 40, 0,
                0, 0, 0, 0}, dx, kernel.name());
            float[] out = new float[4];
            float[] hx = new float[16];
            for (int i = 0; i < 16; i++) {
                hx[i] = 100 + i;
            }
            Pool2d.maxGather(kernel, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0, x, hx, out);
            assertArrayEquals(new float[] {100, 103, 108, 110}, out, kernel.name());
        }
    }

    @Example
    void aNanIsTheMaximumAndTheFirstNanWins() {
        float nan = Float.NaN;
        float[] x = {
            1, nan, 2, 9,
            nan, 5, 9, 9};
        float[] g = {1, 2};
        for (Pool2dKernel kernel : FAMILIES) {
            float[] y = new float[2];
            Pool2d.maxForward(kernel, 1, 1, 2, 4, 2, 2, 1, 2, 2, 2, 0, 0, x, y);
            assertEquals(Float.NaN, y[0], kernel.name());
            assertEquals(9f, y[1], kernel.name());
            float[] dx = new float[8];
            Pool2d.maxBackward(kernel, 1, 1, 2, 4, 2, 2, 1, 2, 2, 2, 0, 0, x, g, dx);
            assertArrayEquals(new float[] {0, 1, 0, 2, 0, 0, 0, 0}, dx, kernel.name());
        }
    }

    @Example
    void paddingNeverWinsAMaxAndOverlappingWindowsAccumulate() {
        // 1 x 3 x 3, window 3 x 3, stride 1, padding 1 ("same"): 3 x 3 outputs; all inputs negative, so a zero
        // padding value would win if padding took part.
        float[] x = {
            -5, -4, -9,
            -1, -8, -7,
            -6, -2, -3};
        float[] g = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (Pool2dKernel kernel : FAMILIES) {
            float[] y = new float[9];
            Pool2d.maxForward(kernel, 1, 1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, x, y);
            assertArrayEquals(new float[] {-1, -1, -4, -1, -1, -2, -1, -1, -2}, y, kernel.name());
            float[] dx = new float[9];
            Pool2d.maxBackward(kernel, 1, 1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, x, g, dx);
            // -1 (index 3) wins windows 0, 1, 3, 4, 6, 7; -4 window 2; -2 windows 5, 8.
            assertArrayEquals(new float[] {0, 3, 0, 1 + 2 + 4 + 5 + 7 + 8, 0, 0, 0, 6 + 9, 0}, dx, kernel.name());
        }
    }

    @Example
    void averagePoolingDividesByTheWholeWindowIncludingPadding() {
        // 1 x 2 x 2, window 2 x 2, stride 2, padding 1: outputs 2 x 2, each window holds one input element.
        float[] x = {4, 8, 12, 16};
        float[] g = {4, 8, 12, 16};
        for (Pool2dKernel kernel : FAMILIES) {
            float[] y = new float[4];
            Pool2d.avgForward(kernel, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, x, y);
            assertArrayEquals(new float[] {1, 2, 3, 4}, y, kernel.name());
            float[] dx = new float[4];
            Pool2d.avgBackward(kernel, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, g, dx);
            assertArrayEquals(new float[] {1, 2, 3, 4}, dx, kernel.name());
        }
        // Overlapping 2 x 2 windows of stride 1 on 1 x 2 x 3: the middle column is in both windows.
        float[] x2 = {1, 2, 3, 4, 5, 6};
        for (Pool2dKernel kernel : FAMILIES) {
            float[] y = new float[2];
            Pool2d.avgForward(kernel, 1, 1, 2, 3, 2, 2, 1, 2, 1, 1, 0, 0, x2, y);
            assertArrayEquals(new float[] {3, 4}, y, kernel.name());
            float[] dx = new float[6];
            Pool2d.avgBackward(kernel, 1, 1, 2, 3, 2, 2, 1, 2, 1, 1, 0, 0, new float[] {4, 8}, dx);
            assertArrayEquals(new float[] {1, 3, 2, 1, 3, 2}, dx, kernel.name());
        }
    }

    @Example
    void badArgumentsAreRejectedBeforeAnythingIsWritten() {
        float[] y = {7, 7};
        assertThrows(IndexOutOfBoundsException.class,
                () -> Pool2d.maxForward(1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0, new float[15], y));
        assertThrows(IllegalArgumentException.class, // a window of padding only
                () -> Pool2d.maxForward(1, 1, 2, 2, 2, 2, 3, 1, 2, 2, 1, 0, new float[4], new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.avgForward(1, 1, 2, 2, 2, 0, 1, 1, 2, 2, 0, 0, new float[4], y));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2d.maxBackward(1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 0, 0, null, new float[1], new float[4]));
        assertArrayEquals(new float[] {7, 7}, y);
    }
}
