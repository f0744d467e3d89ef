package dev.nabla.runtime.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads for splitting one product into parts. The caller claims parts from the front of the job and the
 * helpers from the back, one at a time, so a helper that the operating system has not scheduled yet (the machine may
 * be busy) leaves its parts to the caller instead of stalling it, and while both keep up each thread gets the same end
 * of every job (see {@link Claims#runOne}). Helpers spin for a while after each product (handing work to a
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
    /** The current product's parts. */
    private final Claims products = new Claims();
    private volatile boolean stopped;
    /** Until when (System.nanoTime) products run on the caller alone, and for how long that was; guarded by busy. */
    private long serialUntil = System.nanoTime() - MAX_BACKOFF_NANOS;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private boolean backingOff;
    /** When the last stall ended, and how many close stalls led up to it; guarded by busy. */
    private long lastStall = System.nanoTime() - 1_000_000_000L;
    private int streak;

    /** Background work helpers take up while idle; see {@link #startBackground}. */
    private final AtomicReference<Background> background = new AtomicReference<>();

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
        Throwable failure;
        try {
            int current = products.open(job, parts);
            wakeParked();
            products.runAll(current, false);
            awaitCompletion();
            products.close(current);
            failure = products.takeFailure(); // before the pool is free: the next product's open() clears it
        } finally {
            busy.set(false);
        }
        rethrow(failure);
        return true;
    }

    /**
     * Parts {@code 0..parts-1} of one job at a time, each claimed exactly once by whichever thread gets to it first, the
     * holder reused job after job: the products' parts, and each holder of background work's. A job's number and its
     * unclaimed range share one atomic word, so a claim succeeds only within the job it read.
     */
    static final class Claims {
        /**
         * The current job's number in the high 32 bits; the parts not yet claimed, {@code [front, back)}, in the low 32
         * (front in bits 16-31, back in bits 0-15). The thread that posts a job claims from the front, helpers from the
         * back (see {@link #runOne}).
         */
        private final AtomicLong state = new AtomicLong();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;
        // The current job; written before its number is published in state.
        private Job job;
        private int parts;

        /** The most parts a job can have: front and back take 16 bits each. */
        static final int MAX_PARTS = 0xFFFF;

        /** Starts {@code job}'s parts under a new number and returns it; the previous job must be closed. */
        int open(Job job, int parts) {
            if (parts > MAX_PARTS) {
                throw new IllegalArgumentException(parts + " parts, more than " + MAX_PARTS);
            }
            this.job = job;
            this.parts = parts;
            failure = null;
            done.set(0);
            int number = number() + 1;
            state.set((long) number << 32 | parts); // last: publishes the fields above with the new number
            return number;
        }

        /** The current (or last) job's number. */
        int number() {
            return (int) (state.get() >>> 32);
        }

        /**
         * Claims and runs one part of job {@code number}; false when it has none left or is no longer current. The
         * thread that posted the job takes parts from the front, helpers from the back. While both keep up, each takes
         * the same end of every job: the caller the first rows or columns a kernel cuts, the helper the last. So a
         * loop over an array that a product wrote finds most of its half in its own core's cache, and the update finds
         * the rows of the weight gradient that its own thread's product parts wrote; on a machine whose cores do not
         * share a cache, reading a line the other core wrote costs several times a local read (docs/benchmarks.md).
         */
        boolean runOne(int number, boolean fromBack) {
            while (true) {
                long s = state.get();
                if ((int) (s >>> 32) != number) {
                    return false;
                }
                // Read before claiming: a successful claim proves this is still job `number`.
                Job j = job;
                int front = (int) (s >>> 16) & 0xFFFF;
                int back = (int) s & 0xFFFF;
                if (front >= back) {
                    return false;
                }
                int q = fromBack ? back - 1 : front;
                if (!state.compareAndSet(s, fromBack ? s - 1 : s + (1L << 16))) {
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

        /** Claims and runs parts of job {@code number}, from the front or the back, until none is left. */
        void runAll(int number, boolean fromBack) {
            while (runOne(number, fromBack)) {
                // claim the next
            }
        }

        /** Whether every part of the current job is claimed. */
        boolean claimed() {
            long s = state.get();
            return ((int) (s >>> 16) & 0xFFFF) >= ((int) s & 0xFFFF);
        }

        /** Whether every part of the current job has run. */
        boolean complete() {
            return done.get() >= parts;
        }

        /** Waits until every part of the current job has run: spinning at first, then yielding to a descheduled one. */
        void await() {
            int spins = 0;
            while (!complete()) {
                if (++spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the thread running a part was descheduled
                }
            }
        }

        /**
         * Ends job {@code number}, complete, before the next one's fields are written: nothing is left to claim under its
         * number, so a thread that read its state before the last part was claimed fails its claim rather than run and
         * count a part of the next job with this one's index.
         */
        void close(int number) {
            state.set((long) number << 32); // front = back = 0: nothing left to claim
            job = null;
        }

        /** What a part of the last job threw (null when none did), once. */
        Throwable takeFailure() {
            Throwable f = failure;
            failure = null;
            return f;
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

    private void awaitCompletion() {
        if (products.complete()) {
            return;
        }
        long start = System.nanoTime();
        products.await();
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

    /**
     * Work cut into parts that idle helpers run one at a time, each part claimed once, and that {@link #finish} completes
     * on the thread that needs it. One holder is reused from one piece of work to the next (nothing is allocated), so
     * it must be finished before it is started again.
     */
    static final class Background {
        private final Claims claims = new Claims();
        /** The number of the work this holder was last started with. */
        private int number;
        private GemmPool pool;

        /**
         * Runs the parts no helper has started, waits for the ones that are running, and rethrows what a part threw. The
         * parts' writes are then visible to the caller.
         */
        void finish() {
            claims.runAll(number, false); // the helpers were busy with products, or parked: the rest is ours
            claims.await();
            pool.background.compareAndSet(this, null);
            pool = null;
            claims.close(number);
            rethrow(claims.takeFailure());
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
        if (current != null && !current.claims.complete()) {
            return false;
        }
        holder.pool = this;
        holder.number = holder.claims.open(job, parts);
        if (!background.compareAndSet(current, holder)) {
            // Another thread posted work meanwhile. A helper may still hold this holder from an earlier use and claim
            // from the new one, so the work cannot be taken back: it is done here, and finish() has nothing left to do.
            holder.finish();
            holder.pool = this;
            return true;
        }
        wakeParked();
        return true;
    }

    /** Unparks the helpers that are parked, so that they see the work just posted. */
    private void wakeParked() {
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Runs one part of the pool's background work, if any is left; false otherwise. */
    private boolean runBackground() {
        Background b = background.get();
        return b != null && b.claims.runOne(b.claims.number(), true);
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
                int current = products.number();
                if (current != seen) {
                    seen = current;
                    products.runAll(current, true);
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
                    if (products.number() == seen && !stopped && (b == null || b.claims.claimed())) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
