package dev.nabla.runtime.kernels;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** Bytes that kernel calls allocate on the calling thread and the pool's helper threads, after warm-up. */
final class KernelAllocations {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private KernelAllocations() {
    }

    /**
     * Runs {@code round} {@code warmRounds} times so that it gets compiled, then returns the smallest allocation of
     * 10 measurements of {@code measuredRounds} rounds (a class loaded or a method compiled by chance allocates once,
     * not every round). While that is not zero the warm-up is repeated, up to {@code warmUps} times, so that a late
     * (re)compilation does not count; code that allocates in its compiled form allocates in every round and fails.
     */
    static long allocated(Runnable round, int warmUps, int warmRounds, int measuredRounds) {
        long least = Long.MAX_VALUE;
        for (int warmUp = 0; warmUp < warmUps && least > 0; warmUp++) {
            for (int i = 0; i < warmRounds; i++) {
                round.run();
            }
            long[] ids = kernelThreadIds();
            for (int attempt = 0; attempt < 10; attempt++) {
                long before = allocatedBy(ids);
                for (int i = 0; i < measuredRounds; i++) {
                    round.run();
                }
                least = Math.min(least, allocatedBy(ids) - before);
            }
        }
        return least;
    }

    /** The caller and the pool's helpers (listing threads allocates, so it is done before measuring). */
    private static long[] kernelThreadIds() {
        List<Long> ids = new ArrayList<>(List.of(Thread.currentThread().getId()));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("nabla-gemm-")) {
                ids.add(t.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long allocatedBy(long[] ids) {
        long total = 0;
        for (long id : ids) {
            total += THREADS.getThreadAllocatedBytes(id);
        }
        return total;
    }
}
