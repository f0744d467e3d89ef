package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After warm-up (once C2 has compiled the kernels) no convolution or pooling allocates, on the caller or on a helper
 * thread: with both families, both Vector API formulations (in place and packed), and every pooling path.
 */
class Conv2dAllocationTest {

    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restore() {
        Conv2d.parallelMinFmas = Conv2d.PARALLEL_MIN_FMAS;
        Pool2d.parallelMinElements = Pool2d.PARALLEL_MIN_ELEMENTS;
        Gemm.setThreads(savedThreads);
    }

    @Test
    void vectorFamilyAllocatesNothingOnOneThread() {
        Gemm.setThreads(1);
        assertEquals(0, allocated(round(VectorConv2d.INSTANCE, VectorPool2d.INSTANCE)));
    }

    @Test
    void scalarFamilyAllocatesNothingOnOneThread() {
        Gemm.setThreads(1);
        assertEquals(0, allocated(round(ScalarConv2d.INSTANCE, ScalarPool2d.INSTANCE)));
    }

    @Test
    void vectorFamilyAllocatesNothingOnTwoThreads() {
        Gemm.setThreads(2);
        Conv2d.parallelMinFmas = 0;
        Pool2d.parallelMinElements = 0;
        Runnable round = round(VectorConv2d.INSTANCE, VectorPool2d.INSTANCE);
        round.run(); // starts the helper thread before its id is looked up
        assertEquals(0, allocated(round));
    }

    /** One call of every kernel on small shapes: the in-place and packed convolutions, 2 x 2 and general pooling. */
    private static Runnable round(Conv2dKernel conv, Pool2dKernel pool) {
        int lanes = VectorConv2d.lanes();
        // In place on this machine's vectors: output rows of one vector, no padding.
        ConvCase direct = new ConvCase(3, 5, 6, lanes + 2, 6, 3, 3, 4, lanes, 1, 1, 0, 0, 1, 1, true, 1);
        // Packed: padding, stride 2, dilation.
        ConvCase packed = new ConvCase(3, 3, 9, 7, 5, 3, 2, 5, 4, 2, 2, 1, 1, 1, 2, true, 2);
        ConvCase[] cases = {direct, packed};
        float[][] ys = new float[2][];
        float[][] dxs = new float[2][];
        float[][] dws = new float[2][];
        float[][] dbs = new float[2][];
        for (int i = 0; i < 2; i++) {
            ConvCase cc = cases[i];
            ys[i] = new float[cc.batch * cc.o * cc.oh * cc.ow];
            dxs[i] = new float[cc.batch * cc.c * cc.h * cc.w];
            dws[i] = new float[cc.o * cc.k()];
            dbs[i] = new float[cc.o];
        }
        float[] px = ConvCase.random(new java.util.Random(3), 2 * 3 * 10 * 20);
        float[] pg = ConvCase.random(new java.util.Random(4), 2 * 3 * 5 * 10);
        float[] py = new float[2 * 3 * 5 * 10];
        float[] pdx = new float[px.length];
        float[] qx = ConvCase.random(new java.util.Random(5), 2 * 3 * 8 * lanes);
        float[] qg = ConvCase.random(new java.util.Random(6), 2 * 3 * 4 * lanes / 2);
        float[] qy = new float[qg.length];
        float[] qdx = new float[qx.length];
        return () -> {
            for (int i = 0; i < 2; i++) { // indexed: an iterator would be the only allocation
                cases[i].forward(conv, ys[i], Gemm.ACT_RELU);
                cases[i].inputGrad(conv, dxs[i]);
                cases[i].filterGrad(conv, dws[i], dbs[i]);
            }
            Pool2d.maxForward(pool, 2, 3, 10, 20, 2, 2, 5, 10, 2, 2, 0, 0, px, py);
            Pool2d.maxBackward(pool, 2, 3, 10, 20, 2, 2, 5, 10, 2, 2, 0, 0, px, pg, pdx);
            Pool2d.maxGather(pool, 2, 3, 10, 20, 2, 2, 5, 10, 2, 2, 0, 0, px, pdx, py);
            Pool2d.maxForward(pool, 2, 3, 8, lanes, 2, 2, 4, lanes / 2, 2, 2, 0, 0, qx, qy);
            Pool2d.maxBackward(pool, 2, 3, 8, lanes, 2, 2, 4, lanes / 2, 2, 2, 0, 0, qx, qg, qdx);
            Pool2d.maxForward(pool, 2, 3, 10, 20, 3, 3, 5, 10, 2, 2, 1, 1, px, py);
            Pool2d.maxBackward(pool, 2, 3, 10, 20, 3, 3, 5, 10, 2, 2, 1, 1, px, pg, pdx);
            Pool2d.avgForward(pool, 2, 3, 10, 20, 3, 3, 5, 10, 2, 2, 1, 1, px, py);
            Pool2d.avgBackward(pool, 2, 3, 10, 20, 3, 3, 5, 10, 2, 2, 1, 1, pg, pdx);
        };
    }

    /**
     * Vector API code allocates until C2 has compiled it, and a round calls many kernels, some only once or twice:
     * on a busy machine the compile queue takes a while to reach them all, so the warm-up is repeated up to 12 times.
     */
    private static long allocated(Runnable round) {
        return KernelAllocations.allocated(round, 12, 3000, 20);
    }
}
