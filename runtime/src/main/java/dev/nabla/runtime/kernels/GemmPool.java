package dev.nabla.runtime.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads for splitting one product. A worker spins for a while after each task (handing work to a
 * spinning thread costs well under a microsecond, far less than waking a parked or pooled one) and parks
 * once idle, so it does not hold a core between training runs. One product at a time uses the pool; a
 * product issued while it is busy (another thread of the application) runs on its caller's thread.
 */
final class GemmPool {

    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 200_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();

    GemmPool(int helpers) {
        workers = new Worker[helpers];
        for (int w = 0; w < helpers; w++) {
            workers[w] = new Worker("nabla-gemm-" + (w + 1));
            workers[w].start();
        }
    }

    /** Helper threads, not counting the caller. */
    int helpers() {
        return workers.length;
    }

    /**
     * Runs {@code parts} rectangles, part 0 on the caller and part {@code q} on worker {@code q-1}; returns
     * false without running anything if the pool is in use.
     */
    boolean run(GemmKernel kernel, GemmCall call, int[] rect, int parts) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            for (int q = 1; q < parts; q++) {
                workers[q - 1].post(kernel, call, rect, q);
            }
            kernel.compute(call, rect[0], rect[1], rect[2], rect[3]);
            for (int q = 1; q < parts; q++) {
                workers[q - 1].await();
            }
        } finally {
            busy.set(false);
        }
        return true;
    }

    void shutdown() {
        for (Worker w : workers) {
            w.stopRequested = true;
            LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private GemmKernel kernel;
        private GemmCall call;
        private int i0;
        private int i1;
        private int j0;
        private int j1;
        private Throwable failure;
        /** Written last by the caller, so that its volatile write publishes the fields above. */
        private volatile long posted;
        private volatile long done;
        private volatile boolean parked;
        private volatile boolean stopRequested;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post(GemmKernel kernel, GemmCall call, int[] rect, int part) {
            this.kernel = kernel;
            this.call = call;
            i0 = rect[4 * part];
            i1 = rect[4 * part + 1];
            j0 = rect[4 * part + 2];
            j1 = rect[4 * part + 3];
            posted = posted + 1;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        void await() {
            long target = posted;
            int spins = 0;
            while (done != target) {
                if (++spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the worker may have been descheduled on a shared machine
                }
            }
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            while (!stopRequested) {
                if (!waitForTask(seen)) {
                    continue;
                }
                seen = posted;
                try {
                    kernel.compute(call, i0, i1, j0, j1);
                } catch (Throwable t) {
                    failure = t;
                }
                kernel = null;
                call = null;
                done = seen;
            }
        }

        /** Spins, then parks, until a task newer than {@code seen} is posted; false on a spurious wake-up. */
        private boolean waitForTask(long seen) {
            long start = System.nanoTime();
            int spins = 0;
            while (posted == seen) {
                Thread.onSpinWait();
                if ((++spins & 1023) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                    parked = true;
                    if (posted == seen && !stopRequested) { // re-checked after publishing parked: no lost wake-up
                        LockSupport.park(this);
                    }
                    parked = false;
                    return posted != seen;
                }
            }
            return true;
        }
    }
}
