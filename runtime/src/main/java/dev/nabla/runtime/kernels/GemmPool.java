package dev.nabla.runtime.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads for splitting one product into parts. The caller and the helpers claim parts from a shared
 * counter, so a helper that the operating system has not scheduled yet (the machine may be busy) leaves its
 * part to the caller instead of stalling it. Helpers spin for a while after each product (handing work to a
 * spinning thread costs well under a microsecond, far less than waking a parked or pooled one) and park once
 * idle, so they do not hold a core between training runs. One product at a time uses the pool; a product
 * issued while it is busy (by another application thread) runs on its caller's thread.
 *
 * <p>Besides products, the pool holds at most one piece of {@linkplain Background background work}: parts that idle
 * helpers take up one at a time between products (a training step's next batch, gathered while the step runs), and
 * that the thread which needs the result finishes itself, whatever no helper has started.
 */
final class GemmPool {

    /** How long an idle helper spins before parking. */
    private static final long SPIN_NANOS = 200_000;
    /**
     * A wait this long for a helper's part means the helper was descheduled while holding it: its core is shared
     * with other work (parts take tens of microseconds; a time slice of the other work lasts milliseconds).
     */
    private static final long STALL_NANOS = 500_000;
    /**
     * Stalls that take more than 1/STALL_SHARE of the time since the previous one mean the helper's core is busy
     * with other work for good (another process: stalls every few milliseconds), not now and then (a JIT
     * compiler thread, a kernel thread: stalls a few times a second, cheaper to sit out than to avoid). It takes
     * STALL_STREAK such stalls in a row, so that a burst of JIT compilation during warm-up does not count.
     */
    private static final long STALL_SHARE = 8;
    private static final int STALL_STREAK = 3;
    /**
     * Then products run on the caller alone for a while: with the helper's core busy, every part it claims risks
     * holding the caller up for a whole time slice, which made two threads slower than one. The while starts at
     * MIN_BACKOFF_NANOS and doubles, up to MAX_BACKOFF_NANOS, each time stalls set it off again within one backoff of
     * the last one's end; so a burst of JIT compilation on the helper's core (stalls of 2-17 ms, a few hundred
     * milliseconds of them while a model warms up) costs a few short backoffs, while a core busy for good is left
     * alone for longer and longer. A fixed 100 ms backoff kept up to two thirds of a W3 run's batch-128 products off
     * the helper: the compiler thread set it off again as soon as it ended (docs/benchmarks.md).
     */
    static final long MIN_BACKOFF_NANOS = 10_000_000;
    static final long MAX_BACKOFF_NANOS = 1_000_000_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Current product in the high 32 bits, next unclaimed part in the low 32. */
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile Throwable failure;
    private volatile boolean stopped;
    private int jobNumber;
    /** Until when (System.nanoTime) products run on the caller alone, and for how long that was; guarded by busy. */
    private long serialUntil = System.nanoTime() - MAX_BACKOFF_NANOS;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private boolean backingOff;
    /** When the last stall ended, and how many close stalls led up to it; guarded by busy. */
    private long lastStall = System.nanoTime() - 1_000_000_000L;
    private int streak;

    /** Background work helpers take up while idle; see {@link #startBackground}. */
    private final AtomicReference<Background> background = new AtomicReference<>();

    // The current job; written before its number is published in state.
    private Job task;
    private int parts;

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

    /** Work cut into parts that may run on any thread in any order. */
    interface Job {
        void part(int q);
    }

    /**
     * Runs parts {@code 0..parts-1} of {@code job} on the caller and the helpers; returns false without running
     * anything if the pool is in use or backing off after a stall.
     */
    boolean run(Job job, int parts) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        if (backingOff && System.nanoTime() - serialUntil < 0) {
            busy.set(false);
            return false;
        }
        backingOff = false;
        try {
            this.task = job;
            this.parts = parts;
            failure = null;
            completed.set(0);
            int current = ++jobNumber;
            state.set((long) current << 32);
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            work(current);
            awaitCompletion(parts);
            // Close the job before the next one's fields are written: a helper that read this job's state just
            // before the last part was claimed, and reads the next job's larger part count, must fail its claim
            // (it expects a part index below the count) rather than run and count a part of the next job.
            state.set(((long) current << 32) | Integer.MAX_VALUE);
        } finally {
            this.task = null;
            busy.set(false);
        }
        rethrowFailure();
        return true;
    }

    /** Claims and runs parts of job number {@code current} until none is left. */
    private void work(int current) {
        while (true) {
            long s = state.get();
            if ((int) (s >>> 32) != current) {
                return;
            }
            // Read before claiming: a successful claim proves this is still job `current`.
            Job j = task;
            int q = (int) s;
            if (q >= parts) {
                return;
            }
            if (!state.compareAndSet(s, s + 1)) {
                continue;
            }
            Throwable t = runPart(j, q);
            if (t != null) {
                failure = t;
            }
            completed.incrementAndGet();
        }
    }

    /** Runs part {@code q} of {@code job}; returns what it threw, or null. */
    private static Throwable runPart(Job job, int q) {
        try {
            job.part(q);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** One wait step of a thread waiting for another's part: spin at first, then let the descheduled one run. */
    private static void pause(int spins) {
        if (spins < 1 << 14) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the thread holding a part was descheduled
        }
    }

    /** Throws {@code f} (a part's failure) as it was, or wrapped when it is a checked exception; nothing for null. */
    private static void rethrow(Throwable f) {
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private void awaitCompletion(int parts) {
        if (completed.get() >= parts) {
            return;
        }
        long start = System.nanoTime();
        int spins = 0;
        while (completed.get() < parts) {
            pause(++spins);
        }
        long now = System.nanoTime();
        long waited = now - start;
        if (waited > STALL_NANOS) {
            streak = waited * STALL_SHARE > now - lastStall ? streak + 1 : 1;
            if (streak >= STALL_STREAK) {
                backoffNanos = nextBackoff(backoffNanos, now - serialUntil);
                backingOff = true;
                serialUntil = now + backoffNanos;
                streak = 0;
            }
            lastStall = now;
        }
    }

    /**
     * How long the next backoff lasts, after one of {@code previous} nanoseconds that ended {@code sinceEnd} ago: twice
     * as long (at most MAX_BACKOFF_NANOS) when the stalls came back within one backoff of its end, MIN_BACKOFF_NANOS
     * otherwise.
     */
    static long nextBackoff(long previous, long sinceEnd) {
        return sinceEnd < previous ? Math.min(2 * previous, MAX_BACKOFF_NANOS) : MIN_BACKOFF_NANOS;
    }

    private void rethrowFailure() {
        Throwable f = failure;
        failure = null;
        rethrow(f);
    }

    /**
     * Work cut into parts that idle helpers run one at a time, each part claimed once, and that {@link #finish} completes
     * on the thread that needs it. One holder is reused from one piece of work to the next (nothing is allocated), so
     * it must be finished before it is started again.
     */
    static final class Background {
        /** The holder's current use in the high 32 bits, its next unclaimed part in the low 32, as the pool's state. */
        private final AtomicLong state = new AtomicLong();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;
        private Job job;
        private int parts;
        private GemmPool pool;

        /** Claims and runs one part; false when every part is claimed. */
        private boolean runOne() {
            while (true) {
                long s = state.get();
                // Read before claiming: a successful claim proves they belong to the use the claim is from (a holder
                // reused while a helper looks at it changes its use number first).
                Job j = job;
                int q = (int) s;
                if (j == null || q >= parts) {
                    return false;
                }
                if (!state.compareAndSet(s, s + 1)) {
                    continue;
                }
                Throwable t = runPart(j, q);
                if (t != null) {
                    failure = t;
                }
                done.incrementAndGet();
                return true;
            }
        }

        private boolean complete() {
            return done.get() >= parts;
        }

        /**
         * Runs the parts no helper has started, waits for the ones that are running, and rethrows what a part threw. The
         * parts' writes are then visible to the caller.
         */
        void finish() {
            while (runOne()) {
                // the helpers were busy with products, or parked: the rest is ours
            }
            int spins = 0;
            while (!complete()) {
                pause(++spins);
            }
            pool.background.compareAndSet(this, null);
            pool = null;
            job = null;
            Throwable f = failure;
            failure = null;
            rethrow(f);
        }
    }

    /**
     * Posts parts {@code 0..parts-1} of {@code job} as background work in {@code holder}, which must not be pending;
     * false (nothing posted) when the pool has no helpers or holds other background work not yet complete. After true,
     * {@link Background#finish} completes the work.
     */
    boolean startBackground(Background holder, Job job, int parts) {
        if (workers.length == 0) {
            return false;
        }
        Background current = background.get();
        if (current != null && !current.complete()) {
            return false;
        }
        holder.job = job;
        holder.parts = parts;
        holder.failure = null;
        holder.done.set(0);
        holder.pool = this;
        // last: publishes the fields above with a new use number, so that no claim from an earlier use succeeds
        holder.state.set(((holder.state.get() >>> 32) + 1) << 32);
        if (!background.compareAndSet(current, holder)) {
            // Another thread posted work meanwhile. A helper may still hold this holder from an earlier use and claim
            // from the new one, so the work cannot be taken back: it is done here, and finish() has nothing left to do.
            holder.finish();
            holder.pool = this;
            return true;
        }
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        return true;
    }

    /** Runs one part of the pool's background work, if any is left; false otherwise. */
    private boolean runBackground() {
        Background b = background.get();
        return b != null && b.runOne();
    }

    void shutdown() {
        stopped = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!stopped) {
                int current = (int) (state.get() >>> 32);
                if (current != seen) {
                    seen = current;
                    work(current);
                    idleSince = System.nanoTime();
                    continue;
                }
                if (runBackground()) {
                    idleSince = System.nanoTime();
                    continue;
                }
                Thread.onSpinWait();
                if ((++spins & 1023) == 0 && System.nanoTime() - idleSince > SPIN_NANOS) {
                    parked = true;
                    // Re-checked after publishing `parked`: a product or background work posted meanwhile is not missed.
                    Background b = background.get();
                    if ((int) (state.get() >>> 32) == seen && !stopped && (b == null || (int) b.state.get() >= b.parts)) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
