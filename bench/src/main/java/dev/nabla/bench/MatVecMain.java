package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Batch-1 inference latency of the W1 layers on one thread, as the W3 workload measures it: the median over
 * 10,000 calls after 20,000 warm-up calls, in wall and CPU time (CPU time leaves out waits for a core on a
 * shared machine). Run like {@link TrainingStepMain}.
 */
public final class MatVecMain {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private MatVecMain() {
    }

    public static void main(String[] args) {
        Random r = new Random(2);
        float[] x = GemmBenchmark.random(r, 784);
        float[] w1 = GemmBenchmark.random(r, 784 * 256);
        float[] w2 = GemmBenchmark.random(r, 256 * 128);
        float[] w3 = GemmBenchmark.random(r, 128 * 10);
        float[] b1 = GemmBenchmark.random(r, 256);
        float[] b2 = GemmBenchmark.random(r, 128);
        float[] b3 = GemmBenchmark.random(r, 10);
        float[] h1 = new float[256];
        float[] h2 = new float[128];
        float[] out = new float[10];
        Gemm.setThreads(1);
        Runnable first = () -> Gemm.gemmBiasAct(false, 1, 256, 784, x, 0, w1, 0, h1, 0, b1, 0, Gemm.ACT_RELU);
        Runnable forward = () -> {
            first.run();
            Gemm.gemmBiasAct(false, 1, 128, 256, h1, 0, w2, 0, h2, 0, b2, 0, Gemm.ACT_RELU);
            Gemm.gemmBiasAct(false, 1, 10, 128, h2, 0, w3, 0, out, 0, b3, 0, Gemm.ACT_NONE);
        };
        System.out.println("implementation=" + Gemm.implementation());
        report("(1x784)(784x256) +bias,relu", first);
        report("forward 784-256-128-10", forward);
        System.out.println("checksum " + (out[0] + h1[1]));
    }

    private static void report(String what, Runnable call) {
        for (int i = 0; i < 20_000; i++) {
            call.run();
        }
        int batches = 100;
        int per = 100;
        double[] wall = new double[batches];
        double[] cpu = new double[batches];
        for (int b = 0; b < batches; b++) {
            long cpuStart = CPU.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < per; i++) {
                call.run();
            }
            wall[b] = (System.nanoTime() - start) / 1e3 / per;
            cpu[b] = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e3 / per;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf("%-30s %.2f us wall (min %.2f), %.2f us CPU (median of %d batches of %d calls)%n",
                what, wall[batches / 2], wall[0], cpu[batches / 2], batches, per);
    }
}
