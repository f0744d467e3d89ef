package dev.nabla.compiler.codegen;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large elementwise loops run split over the product threads: results stay bit-identical to one thread, and
 * nothing is allocated per call. Batch 1024 makes the MLP's [B, 40] loops large enough to be split.
 */
class ParallelLoopsTest {

    private static final int BATCH = 1024;
    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(savedThreads);
    }

    private static CompiledModel model(boolean vector) {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true),
                new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.05, 0.9, 0.9, 0.999, 0.99, 1e-8, 0));
        boolean mentionsParallel = mc.classes().values().stream()
                .anyMatch(b -> new String(b, StandardCharsets.ISO_8859_1).contains("dev/nabla/runtime/kernels/Parallel"));
        assertTrue(mentionsParallel, "some loop is emitted as a parallel loop");
        return Harness.load(mc, vector);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void twoThreadsGiveTheSameBitsAsOne(boolean vector) {
        CompiledModel m = model(vector);
        float[][] one = Harness.randomBuffers(m.spec(), BATCH, 11);
        float[][] two = copy(one);
        Gemm.setThreads(1);
        steps(m, one, 3);
        hyper[1] = 1;
        Gemm.setThreads(2);
        steps(m, two, 3);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "buffer " + m.spec().buffers().get(i).name());
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void splitLoopsAllocateNothingAfterWarmUp(boolean vector) {
        CompiledModel m = model(vector);
        float[][] b = Harness.randomBuffers(m.spec(), BATCH, 5);
        Gemm.setThreads(2);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int round = 0; round < 20 && allocated != 0; round++) {
            steps(m, b, 300);
            long before = mx.getThreadAllocatedBytes(tid);
            steps(m, b, 20);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 20 training steps");
    }

    private final float[] hyper = {0.05f, 1, 1};

    private void steps(CompiledModel m, float[][] b, int n) {
        for (int s = 0; s < n; s++) {
            m.trainStep(b, BATCH);
            m.update(b, hyper);
            hyper[1]++;
        }
    }

    private static float[][] copy(float[][] b) {
        float[][] c = new float[b.length][];
        for (int i = 0; i < b.length; i++) {
            c[i] = b[i].clone();
        }
        return c;
    }
}
