package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Both convolution families against a double-precision reference, over random geometries: 1 to 5 channels in and 1
 * to 9 out (so 4-row tiles with and without leftover rows), kernels 1 to 5 (1 x 1, even, odd, as large as the padded
 * input), strides 1 to 3, dilations 1 and 2, top/left padding up to kernel - 1 and an independent bottom/right
 * padding through the output size, batch 1 to 5, images up to 14 x 14 (output blocks that are and are not whole
 * vectors, several panels per image).
 */
class Conv2dReferenceProperties {

    private static int savedThreads;

    @BeforeContainer
    static void oneThread() {
        savedThreads = Gemm.threads();
        Gemm.setThreads(1);
    }

    @AfterContainer
    static void restore() {
        Gemm.setThreads(savedThreads);
        VectorConv2d.maxChunkAcc = VectorConv2d.MAX_CHUNK_ACC;
        VectorConv2d.inPlace = true;
    }

    @Example
    void vectorFamilyIsActiveWhenTheIncubatorModuleIsPresent() {
        assertEquals("vector", Conv2d.implementation());
        assertEquals("vector", Conv2d.activeKernel().name());
        assertEquals("scalar", Conv2d.chooseKernel("false").name());
    }

    @Property(tries = 250)
    void vectorFamilyMatchesReference(@ForAll long seed) {
        check(VectorConv2d.INSTANCE, ConvCase.random(new Random(seed), 5, 14, seed % 2 == 0), seed);
    }

    @Property(tries = 150)
    void scalarFamilyMatchesReference(@ForAll long seed) {
        check(ScalarConv2d.INSTANCE, ConvCase.random(new Random(seed), 5, 14, seed % 2 == 0), seed);
    }

    /** The filter gradient's per-group lane sums (used for layers too large to keep a whole chunk's). */
    @Property(tries = 60)
    void vectorFilterGradientWithLaneSumsPerGroupMatchesReference(@ForAll long seed) {
        VectorConv2d.maxChunkAcc = 0;
        try {
            check(VectorConv2d.INSTANCE, ConvCase.random(new Random(seed), 5, 14, true), seed);
            check(VectorConv2d.INSTANCE, new ConvCase(11, 2, 12, 12, 5, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, true, seed),
                    seed);
        } finally {
            VectorConv2d.maxChunkAcc = VectorConv2d.MAX_CHUNK_ACC;
        }
    }

    /** Larger images: output rows longer than a panel, more than 8 images (several chunks). */
    @Property(tries = 12)
    void vectorFamilyMatchesReferenceOnLargerImages(@ForAll long seed) {
        check(VectorConv2d.INSTANCE, ConvCase.random(new Random(seed), 12, 40, true), seed);
    }

    /**
     * Geometries the Vector API family reads in place (stride 1 along rows, no padding reached, output rows a whole
     * number of vectors), with 1 to 9 channels on both sides so that 4-channel tiles have leftovers.
     */
    @Property(tries = 60)
    void vectorFamilyMatchesReferenceReadingInPlace(@ForAll long seed) {
        Random r = new Random(seed);
        int lanes = VectorConv2d.lanes();
        int kh = 1 + r.nextInt(5);
        int kw = 1 + r.nextInt(5);
        int dh = 1 + r.nextInt(2);
        int dw = 1 + r.nextInt(2);
        int sh = 1 + r.nextInt(2);
        int oh = 1 + r.nextInt(12);
        int ow = lanes * (1 + r.nextInt(3));
        int h = (oh - 1) * sh + (kh - 1) * dh + 1 + r.nextInt(3);
        int w = ow + (kw - 1) * dw + r.nextInt(3);
        ConvCase cc = new ConvCase(1 + r.nextInt(11), 1 + r.nextInt(9), h, w, 1 + r.nextInt(9), kh, kw, oh, ow, sh, 1,
                0, 0, dh, dw, r.nextBoolean(), r.nextLong());
        Conv2dCall call = new Conv2dCall().geometry(cc.batch, cc.c, h, w, cc.o, kh, kw, oh, ow, sh, 1, 0, 0, dh, dw);
        assertEquals(true, VectorConv2d.readsInPlace(call), cc::toString);
        check(VectorConv2d.INSTANCE, cc, seed);
    }

    @Example
    void w2ShapesMatchReferenceThroughPackedPanels() {
        VectorConv2d.inPlace = false;
        try {
            check(VectorConv2d.INSTANCE, new ConvCase(10, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1, true, 5), 5);
            check(VectorConv2d.INSTANCE, new ConvCase(9, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, true, 6), 6);
        } finally {
            VectorConv2d.inPlace = true;
        }
    }

    @Example
    void w2ShapesMatchReference() {
        for (Conv2dKernel kernel : new Conv2dKernel[] {VectorConv2d.INSTANCE, ScalarConv2d.INSTANCE}) {
            check(kernel, new ConvCase(10, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1, true, 1), 1);
            check(kernel, new ConvCase(9, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, true, 2), 2);
            check(kernel, new ConvCase(3, 3, 9, 11, 5, 3, 3, 9, 11, 1, 1, 1, 1, 1, 1, true, 3), 3); // "same"
            check(kernel, new ConvCase(2, 4, 6, 6, 6, 1, 1, 6, 6, 1, 1, 0, 0, 1, 1, false, 4), 4); // 1 x 1
        }
    }

    static void check(Conv2dKernel kernel, ConvCase cc, long seed) {
        int k = cc.k();
        for (int act = 0; act <= 1; act++) {
            float[] y = guarded(cc.batch * cc.o * cc.oh * cc.ow, seed);
            cc.forward(kernel, y, act);
            double[] abs = new double[y.length];
            double[] ref = cc.forward(act == 1, abs);
            int a = act;
            assertNull(ConvCase.mismatch(y, 0, ref, 0, abs, ref.length, k + 1),
                    () -> kernel.name() + " forward act=" + a + " " + cc);
            assertGuard(y, ref.length, kernel.name() + " forward " + cc);
        }
        float[] dx = guarded(cc.batch * cc.c * cc.h * cc.w, seed);
        cc.inputGrad(kernel, dx);
        double[] abs = new double[dx.length];
        double[] ref = cc.inputGrad(abs);
        assertNull(ConvCase.mismatch(dx, 0, ref, 0, abs, ref.length, cc.o * cc.kh * cc.kw),
                () -> kernel.name() + " inputGrad " + cc);
        assertGuard(dx, ref.length, kernel.name() + " inputGrad " + cc);

        int ok = cc.o * k;
        float[] dweight = guarded(ok, seed);
        float[] dbias = cc.bias != null ? guarded(cc.o, seed + 1) : null;
        cc.filterGrad(kernel, dweight, dbias);
        abs = new double[ok + cc.o];
        ref = cc.filterGrad(abs);
        int terms = cc.batch * cc.oh * cc.ow;
        assertNull(ConvCase.mismatch(dweight, 0, ref, 0, abs, ok, terms), () -> kernel.name() + " filterGrad " + cc);
        assertGuard(dweight, ok, kernel.name() + " filterGrad " + cc);
        if (dbias != null) {
            assertNull(ConvCase.mismatch(dbias, 0, ref, ok, abs, cc.o, terms), () -> kernel.name() + " dbias " + cc);
            assertGuard(dbias, cc.o, kernel.name() + " dbias " + cc);
        }
    }

    /** An output array with stale contents (to be overwritten) and guard values past its end (to be left alone). */
    static float[] guarded(int len, long seed) {
        float[] a = ConvCase.random(new Random(seed ^ 0x5DEECE66DL), len + 7);
        Arrays.fill(a, len, a.length, Problem.GUARD);
        return a;
    }

    static void assertGuard(float[] a, int len, String what) {
        for (int i = len; i < a.length; i++) {
            assertEquals(Problem.GUARD, a[i], () -> "wrote past the output: " + what);
        }
    }
}
