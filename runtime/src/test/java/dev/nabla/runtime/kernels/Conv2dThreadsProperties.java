package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Splitting a convolution or a pooling over threads changes nothing in its result, down to the last bit: images (and
 * planes) are independent, and the filter gradient's partial sums are cut into chunks of {@link Conv2d#CHUNK}
 * images whatever the thread count, then added in chunk order.
 */
class Conv2dThreadsProperties {

    private static int savedThreads;

    @BeforeContainer
    static void splitEverything() {
        savedThreads = Gemm.threads();
        Conv2d.parallelMinFmas = 0;
        Pool2d.parallelMinElements = 0;
    }

    @AfterContainer
    static void restore() {
        Conv2d.parallelMinFmas = Conv2d.PARALLEL_MIN_FMAS;
        Pool2d.parallelMinElements = Pool2d.PARALLEL_MIN_ELEMENTS;
        Gemm.setThreads(savedThreads);
    }

    @Property(tries = 40)
    void convolutionsAreBitIdenticalForOneTwoAndThreeThreads(@ForAll long seed, @ForAll boolean vector) {
        ConvCase cc = ConvCase.random(new Random(seed), 40, 10, seed % 2 == 0);
        compare(vector ? VectorConv2d.INSTANCE : ScalarConv2d.INSTANCE, cc);
    }

    @Property(tries = 30)
    void poolingsAreBitIdenticalForOneTwoAndThreeThreads(@ForAll long seed, @ForAll boolean vector) {
        Random r = new Random(seed);
        Pool2dReferenceProperties.Case cs = Pool2dReferenceProperties.Case.random(r, r.nextBoolean(), false);
        Pool2dKernel kernel = vector ? VectorPool2d.INSTANCE : ScalarPool2d.INSTANCE;
        float[][] results = new float[3][];
        for (int t = 1; t <= 3; t++) {
            Gemm.setThreads(t);
            float[] dx = new float[cs.x().length];
            Pool2d.maxBackward(kernel, cs.batch(), cs.c(), cs.h(), cs.w(), cs.kh(), cs.kw(), cs.oh(), cs.ow(),
                    cs.sh(), cs.sw(), cs.ph(), cs.pw(), cs.x(), cs.g(), dx);
            float[] avg = new float[cs.x().length];
            Pool2d.avgBackward(kernel, cs.batch(), cs.c(), cs.h(), cs.w(), cs.kh(), cs.kw(), cs.oh(), cs.ow(),
                    cs.sh(), cs.sw(), cs.ph(), cs.pw(), cs.g(), avg);
            float[] y = new float[cs.outLen()];
            Pool2d.maxForward(kernel, cs.batch(), cs.c(), cs.h(), cs.w(), cs.kh(), cs.kw(), cs.oh(), cs.ow(),
                    cs.sh(), cs.sw(), cs.ph(), cs.pw(), cs.x(), y);
            results[t - 1] = concat(dx, avg, y);
        }
        assertArrayEquals(results[0], results[1], () -> "1 vs 2 threads " + kernel.name() + " " + cs);
        assertArrayEquals(results[0], results[2], () -> "1 vs 3 threads " + kernel.name() + " " + cs);
    }

    /** The W2 layers at batch 128 and the default thresholds, as training runs them. */
    @Example
    void w2LayersAreBitIdenticalOnTwoThreadsAtTheDefaultThreshold() {
        Conv2d.parallelMinFmas = Conv2d.PARALLEL_MIN_FMAS;
        try {
            compare(VectorConv2d.INSTANCE, new ConvCase(128, 8, 12, 12, 16, 5, 5, 8, 8, 1, 1, 0, 0, 1, 1, true, 1));
            compare(VectorConv2d.INSTANCE, new ConvCase(128, 1, 28, 28, 8, 5, 5, 24, 24, 1, 1, 0, 0, 1, 1, true, 2));
        } finally {
            Conv2d.parallelMinFmas = 0;
        }
    }

    private static void compare(Conv2dKernel kernel, ConvCase cc) {
        float[][] results = new float[3][];
        for (int t = 1; t <= 3; t++) {
            Gemm.setThreads(t);
            float[] y = new float[cc.batch * cc.o * cc.oh * cc.ow];
            cc.forward(kernel, y, Gemm.ACT_RELU);
            float[] dx = new float[cc.batch * cc.c * cc.h * cc.w];
            cc.inputGrad(kernel, dx);
            float[] dw = new float[cc.o * cc.k()];
            float[] db = new float[cc.o];
            cc.filterGrad(kernel, dw, db);
            results[t - 1] = concat(concat(y, dx, dw), db, new float[0]);
        }
        assertArrayEquals(results[0], results[1], () -> "1 vs 2 threads " + kernel.name() + " " + cc);
        assertArrayEquals(results[0], results[2], () -> "1 vs 3 threads " + kernel.name() + " " + cc);
    }

    private static float[] concat(float[] a, float[] b, float[] c) {
        float[] r = new float[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
