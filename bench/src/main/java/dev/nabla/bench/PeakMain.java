package dev.nabla.bench;

import java.util.concurrent.CountDownLatch;

/**
 * The host's multiply-add peak right now: {@link FmaPeak} on one thread, then on two threads at once (each its own
 * core on a 2-vCPU machine). Printed next to a race, it turns samples/s into a share of what the cores gave in that
 * minute, which on a shared host moves by up to 1.8x (docs/benchmarks.md). Prints one line, {@code PEAK {json}}.
 * Usage: PeakMain [rounds]
 */
public final class PeakMain {

    private PeakMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        FmaPeak.gflops(rounds); // warm-up: C2 compiles the loop
        double one = FmaPeak.gflops(rounds);
        double[] two = new double[2];
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                two[id] = FmaPeak.gflops(rounds);
            });
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("PEAK {\"lanes\": %d, \"one_thread_gflops\": %.1f, \"two_threads_gflops\": [%.1f, %.1f],"
                        + " \"two_threads_total\": %.1f}%n",
                FmaPeak.lanes(), one, two[0], two[1], two[0] + two[1]);
    }
}
