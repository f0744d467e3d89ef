package dev.nabla.bench;

import dev.nabla.runtime.kernels.Conv2d;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.kernels.Pool2d;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times each convolution and pooling call of a W2 training step at batch 128 ({@link ConvShapes}) with the active
 * implementation, for each thread count given (default 1 and 2), then all nine in training-step order. For each it
 * prints, over {@value #ROUNDS} rounds of about 0.1 s, the median and the best wall time per call, the median CPU
 * time of the calling thread (which leaves out waits for a core; meaningful with 1 thread only, as the caller spins
 * while it waits for its helper), and GFLOP/s = 2 * multiply-adds / median wall time. On a machine shared with
 * other work the best round is the better estimate of what the kernels do; the FMA peak of a core (see
 * {@link FmaPeak}), measured before each thread count, says how much of one the process was getting.
 *
 * <p>Run with {@code java --add-modules jdk.incubator.vector -cp ... dev.nabla.bench.ConvMain [threads...]}, adding
 * {@code -Dnabla.vector=false} for the plain-Java kernels; {@code -Dconv.warmup=ms} (default 2000) sets the warm-up
 * of each kernel.
 */
public final class ConvMain {

    private static final int ROUNDS = 15;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ConvMain() {
    }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        long warmupNanos = Long.getLong("conv.warmup", 2000) * 1_000_000L;
        ConvShapes s = new ConvShapes(42);
        System.out.printf("implementation: conv=%s pool=%s, %d lanes, batch %d, %d rounds%n",
                Conv2d.implementation(), Pool2d.implementation(), FmaPeak.lanes(), ConvShapes.BATCH, ROUNDS);
        for (int t : threadCounts) {
            Gemm.setThreads(t);
            System.out.printf("threads=%d (FMA peak of one core now: %.0f GFLOP/s)%n", t, FmaPeak.gflops(10));
            double sumMedian = 0;
            double sumBest = 0;
            for (int q = 0; q < ConvShapes.KERNELS; q++) {
                double[][] times = time(s, q, warmupNanos);
                double wall = times[0][ROUNDS / 2];
                sumMedian += wall;
                sumBest += times[0][0];
                long fmas = ConvShapes.fmas(q);
                System.out.printf("  %-32s %8.1f us median, %8.1f best, %8.1f CPU%s%n", ConvShapes.describe(q), wall,
                        times[0][0], times[1][ROUNDS / 2], fmas == 0 ? ""
                                : String.format("  %5.1f GFLOP/s (best %5.1f)", 2.0 * fmas / (wall * 1e3),
                                2.0 * fmas / (times[0][0] * 1e3)));
            }
            double[][] all = time(s, -1, warmupNanos);
            System.out.printf("  all nine in step order: %.1f us median, %.1f best (sums of the kernels: %.1f median,"
                    + " %.1f best); conv multiply-adds %.1f M%n", all[0][ROUNDS / 2], all[0][0], sumMedian, sumBest,
                    ConvShapes.convFmas() / 1e6);
        }
        System.out.println("checksum " + s.checksum());
    }

    /** Sorted wall and CPU microseconds per call of kernel {@code q} (-1: all of them), per round. */
    private static double[][] time(ConvShapes s, int q, long warmupNanos) {
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < warmupNanos) {
            s.run(q);
            calls++;
        }
        calls = Math.max(1, (int) (calls * 100_000_000L / warmupNanos));
        double[] wall = new double[ROUNDS];
        double[] cpu = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long cpuStart = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                s.run(q);
            }
            wall[r] = (System.nanoTime() - t0) / 1e3 / calls;
            cpu[r] = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e3 / calls;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[][] {wall, cpu};
    }
}
