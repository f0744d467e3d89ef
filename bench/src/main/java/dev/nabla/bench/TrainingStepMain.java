package dev.nabla.bench;

import dev.nabla.runtime.kernels.Gemm;
import java.util.Arrays;

/**
 * Times the 8 matrix products of one W1 training step with the active implementation, for each thread
 * count given (default 1 and 2). Run with
 * {@code java --add-modules jdk.incubator.vector -cp ... dev.nabla.bench.TrainingStepMain [threads...]},
 * adding {@code -Dnabla.vector=false} for the plain-Java kernels.
 */
public final class TrainingStepMain {

    private static final int ROUNDS = 15;

    private TrainingStepMain() {
    }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        TrainingStepProducts products = new TrainingStepProducts(42);
        double gflop = TrainingStepProducts.flops() / 1e9;
        System.out.printf("implementation=%s flops/step=%.1fM%n", Gemm.implementation(), gflop * 1e3);
        float sink = 0;
        for (int t : threadCounts) {
            Gemm.setThreads(t);
            int steps = calibrate(products);
            double[] micros = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                long start = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    products.step();
                }
                micros[r] = (System.nanoTime() - start) / 1e3 / steps;
                sink += products.checksum();
            }
            Arrays.sort(micros);
            double median = micros[ROUNDS / 2];
            System.out.printf("%s threads=%d  %.1f us/step (min %.1f, max %.1f)  %.0f samples/s  %.1f GFLOP/s%n",
                    Gemm.implementation(), t, median, micros[0], micros[ROUNDS - 1],
                    TrainingStepProducts.BATCH / (median * 1e-6), gflop / (median * 1e-6));
        }
        System.out.println("checksum " + sink);
    }

    /** Warms up for about 3 s, then returns the number of steps that take about 0.3 s. */
    private static int calibrate(TrainingStepProducts products) {
        long start = System.nanoTime();
        int steps = 0;
        while (System.nanoTime() - start < 3_000_000_000L) {
            products.step();
            steps++;
        }
        return Math.max(1, steps / 10);
    }
}
