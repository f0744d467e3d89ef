package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** After warm-up (once C2 has compiled the kernels) no product allocates, on the caller or on a helper thread. */
class GemmAllocationTest {

    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restore() {
        Gemm.parallelMinFmas = Gemm.PARALLEL_MIN_FMAS;
        Gemm.setThreads(savedThreads);
    }

    @Test
    void vectorKernelAllocatesNothingOnOneThread() {
        Gemm.setThreads(1);
        assertEquals(0, allocatedPerRound(VectorGemm.INSTANCE));
    }

    @Test
    void scalarKernelAllocatesNothingOnOneThread() {
        Gemm.setThreads(1);
        assertEquals(0, allocatedPerRound(ScalarGemm.INSTANCE));
    }

    @Test
    void vectorKernelAllocatesNothingOnTwoThreads() {
        Gemm.setThreads(2);
        Gemm.parallelMinFmas = 0;
        Gemm.gemm(false, false, 64, 256, 8, new float[64 * 8], 0, new float[8 * 256], 0, new float[64 * 256], 0,
                false); // starts the helper thread before its id is looked up
        assertEquals(0, allocatedPerRound(VectorGemm.INSTANCE));
    }

    @Test
    void publicEntryPointsAllocateNothing() {
        Gemm.setThreads(1);
        float[] a = new float[40 * 33];
        float[] b = new float[33 * 37];
        float[] c = new float[40 * 37];
        float[] bias = new float[37];
        Runnable round = () -> {
            Gemm.gemm(true, false, 40, 37, 33, a, 0, b, 0, c, 0, true);
            Gemm.gemmBiasAct(true, 40, 37, 33, a, 0, b, 0, c, 0, bias, 0, Gemm.ACT_RELU);
            Gemm.sumRows(40, 37, c, 0, bias, 0, false);
            Gemm.reluBackward(40 * 37, c, 0, c, 0, c, 0);
        };
        assertEquals(0, allocated(round));
    }

    /** Bytes allocated by one round of products covering every path, after warm-up. */
    static long allocatedPerRound(GemmKernel kernel) {
        List<Problem> problems = new ArrayList<>();
        long seed = 1;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                problems.add(new Problem(transA, transB, 13, 150, 29, false, false, Gemm.ACT_NONE, seed++));
                problems.add(new Problem(transA, transB, 14, 75, 17, true, true, Gemm.ACT_RELU, seed++));
                problems.add(new Problem(transA, transB, 1, 300, 40, false, true, Gemm.ACT_RELU, seed++));
                problems.add(new Problem(transA, transB, 1, 37, 41, true, false, Gemm.ACT_NONE, seed++));
            }
        }
        Problem[] all = problems.toArray(new Problem[0]);
        return allocated(() -> {
            for (int i = 0; i < all.length; i++) { // indexed: an iterator would be the only allocation
                Gemm.run(kernel, all[i].call());
            }
        });
    }

    /** A late recompilation (after a deoptimization) gets up to two more warm-ups before the verdict. */
    private static long allocated(Runnable round) {
        return KernelAllocations.allocated(round, 3, 6000, 50);
    }
}
