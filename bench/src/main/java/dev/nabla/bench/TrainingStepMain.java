package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times the 8 matrix products of one W1 training step with the active implementation, for each thread
 * count given (default 1 and 2), then each product alone on one thread. Run with
 * {@code java --add-modules jdk.incubator.vector -cp ... dev.nabla.bench.TrainingStepMain [threads...]},
 * adding {@code -Dnabla.vector=false} for the plain-Java kernels.
 *
 * <p>Besides wall time it reports the calling thread's CPU time, which on a machine shared with other work
 * leaves out the time the thread waited for a core (meaningful with 1 thread only: with 2 the caller also
 * spins while waiting for its helper).
 */
public final class TrainingStepMain {

    private static final int ROUNDS = 15;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private TrainingStepMain() {
    }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        TrainingStepProducts products = new TrainingStepProducts(42);
        double gflop = TrainingStepProducts.flops() / 1e9;
        System.out.printf("implementation=%s, %.1f MFLOP per step, median of %d rounds%n",
                Gemm.implementation(), gflop * 1e3, ROUNDS);
        float sink = 0;
        for (int t : threadCounts) {
            Gemm.setThreads(t);
            double[][] times = time(products, -1);
            double wall = times[0][ROUNDS / 2];
            double cpu = times[1][ROUNDS / 2];
            System.out.printf("%s threads=%d: %.1f us/step wall (min %.1f), %.1f us CPU; %.0f samples/s, "
                            + "%.1f GFLOP/s (wall)%n", Gemm.implementation(), t, wall, times[0][0], cpu,
                    TrainingStepProducts.BATCH / (wall * 1e-6), gflop / (wall * 1e-6));
            sink += products.checksum();
        }
        Gemm.setThreads(1);
        for (int q = 0; q < TrainingStepProducts.PRODUCTS; q++) {
            double[][] times = time(products, q);
            double cpu = times[1][ROUNDS / 2];
            System.out.printf("  %-22s 1 thread: %8.1f us CPU, %6.1f GFLOP/s%n", TrainingStepProducts.describe(q),
                    cpu, TrainingStepProducts.flops(q) / (cpu * 1e3));
        }
        System.out.println("checksum " + (sink + products.checksum()));
    }

    /** Sorted wall and CPU microseconds per call of product {@code q} (-1: the whole step), per round. */
    private static double[][] time(TrainingStepProducts products, int q) {
        int calls = calibrate(products, q);
        double[] wall = new double[ROUNDS];
        double[] cpu = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long cpuStart = CPU.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int s = 0; s < calls; s++) {
                run(products, q);
            }
            wall[r] = (System.nanoTime() - start) / 1e3 / calls;
            cpu[r] = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e3 / calls;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[][] {wall, cpu};
    }

    private static void run(TrainingStepProducts products, int q) {
        if (q < 0) {
            products.step();
        } else {
            products.run(q);
        }
    }

    /** Warms up for about 2 s, then returns the number of calls that take about 0.2 s. */
    private static int calibrate(TrainingStepProducts products, int q) {
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
            run(products, q);
            calls++;
        }
        return Math.max(1, calls / 10);
    }
}
