package dev.nabla.runtime.kernels;

/**
 * Runs the outermost loop of a generated kernel over the threads that matrix products use ({@link Gemm#threads()}),
 * on the same helper threads: the optimizer's update and the large elementwise loops of a training step. The
 * compiler only hands over loops whose iterations write disjoint elements and carry nothing from one iteration to
 * the next, so every element is computed by the same operations whatever the cut: results do not depend on the
 * thread count. Large reductions into one value ({@link #reduce}: an L2 term over a weight matrix) are cut into
 * chunks that do not depend on it either. Nothing is allocated per call after warm-up.
 */
public final class Parallel {

    /**
     * The loop of a kernel method that several kernels share over other buffers: {@code slots} are the spec indices of
     * the buffers it loads, its caller's.
     */
    @FunctionalInterface
    public interface SlottedBody {
        void run(float[][] buffers, int batch, float[] hyper, int[] slots, int from, int to);
    }

    /** One kernel's loop over {@code [from, to)} of its outermost variable: its buffers' indices are its own. */
    @FunctionalInterface
    public interface Body extends SlottedBody {
        void run(float[][] buffers, int batch, float[] hyper, int from, int to);

        @Override
        default void run(float[][] buffers, int batch, float[] hyper, int[] slots, int from, int to) {
            run(buffers, batch, hyper, from, to);
        }
    }

    /**
     * Below this many elements the loop runs on the caller: a loop this size takes a few microseconds, and handing
     * half of it over costs about one.
     */
    public static final long PARALLEL_MIN_ELEMENTS = 1L << 15;
    /** The threshold in force; tests lower it to split small loops. */
    static volatile long parallelMinElements = PARALLEL_MIN_ELEMENTS;
    /** Several parts per thread, claimed as threads become free (see {@link GemmPool}). */
    private static final int PARTS_PER_THREAD = 4;

    private static final ThreadLocal<RangeJob> JOBS = ThreadLocal.withInitial(RangeJob::new);

    /** A shared kernel method's reduction over {@code [from, to)}, as {@link SlottedBody} is its loop. */
    @FunctionalInterface
    public interface SlottedReduction {
        double run(float[][] buffers, int batch, float[] hyper, int[] slots, int from, int to);
    }

    /** A kernel's reduction over {@code [from, to)} of its outermost variable: that range's sum, or its maximum. */
    @FunctionalInterface
    public interface Reduction extends SlottedReduction {
        double run(float[][] buffers, int batch, float[] hyper, int from, int to);

        @Override
        default double run(float[][] buffers, int batch, float[] hyper, int[] slots, int from, int to) {
            return run(buffers, batch, hyper, from, to);
        }
    }

    /**
     * The chunks a reduction is cut into, whatever the thread count: each chunk's result, then their combination in
     * chunk order, are the same floats on one thread or several.
     */
    static final int REDUCTION_CHUNKS = 16;

    /**
     * A reduction is split over the threads from this many elements: one whose data fits the caller's L2 ran slower
     * split, the helper reading its half from the other core. W1's L2 term over 784 x 256 weights took 23-24 µs on
     * one thread and 15-54 µs split; over 1,024 x 784 weights, 62-80 µs against 40-58 split (generated kernel called
     * alone, the two alternating in rounds of 500 calls, docs/benchmarks.md).
     */
    public static final long REDUCTION_MIN_ELEMENTS = 1L << 18;
    /** The threshold in force; tests lower it to split small reductions. */
    static volatile long reductionMinElements = REDUCTION_MIN_ELEMENTS;

    private static final ThreadLocal<ReductionJob> REDUCTIONS = ThreadLocal.withInitial(ReductionJob::new);

    private Parallel() {
    }

    /**
     * Runs {@code body} over {@code [0, n)}, cut at multiples of {@code align} iterations (so that a vectorized
     * loop's scalar tail falls on the same iterations as in one piece), when the loop's {@code n *
     * elementsPerIteration} elements make it worth it.
     */
    public static void forRange(Body body, float[][] buffers, int batch, float[] hyper, int n, int align,
                                int elementsPerIteration) {
        if (!split(JOBS.get().of(body), buffers, batch, hyper, null, n, align, elementsPerIteration)) {
            body.run(buffers, batch, hyper, 0, n);
        }
    }

    /** {@link #forRange(Body, float[][], int, float[], int, int, int)} for a shared kernel method's loop. */
    public static void forRange(SlottedBody body, float[][] buffers, int batch, float[] hyper, int[] slots, int n,
                                int align, int elementsPerIteration) {
        if (!split(JOBS.get().of(body), buffers, batch, hyper, slots, n, align, elementsPerIteration)) {
            body.run(buffers, batch, hyper, slots, 0, n);
        }
    }

    /** Runs {@code job}'s loop over the threads when that is worth it; false if the caller must run it whole. */
    private static boolean split(RangeJob job, float[][] buffers, int batch, float[] hyper, int[] slots, int n,
                                 int align, int elementsPerIteration) {
        try {
            if (n <= 0) {
                return true;
            }
            int t = Gemm.threads();
            if (t > 1 && (long) n * elementsPerIteration >= parallelMinElements) {
                int parts = job.cutInto(buffers, batch, hyper, slots, n, Math.max(1, align), t * PARTS_PER_THREAD);
                return parts > 1 && Gemm.runParts(job, parts);
            }
            return false;
        } finally {
            job.clear();
        }
    }

    /**
     * The sum ({@code max} false) or maximum over {@code [0, n)} of {@code body}, as a double: {@code body} over
     * {@link #REDUCTION_CHUNKS} chunks cut at multiples of {@code align} iterations, split over the threads from
     * {@link #REDUCTION_MIN_ELEMENTS} elements ({@code n * elementsPerIteration}), then the chunks' results combined in order
     * (the sum from 0, the maximum from negative infinity, as {@code Math.max}). The same floats for any thread
     * count. The compiler hands over only loops whose accumulator starts at that identity and that write nothing, or
     * ({@code writes}) write disjoint elements per iteration, as a parallel loop does: those are split from {@link
     * #PARALLEL_MIN_ELEMENTS}, as a parallel loop is.
     */
    public static double reduce(Reduction body, float[][] buffers, int batch, float[] hyper, int n, int align,
                                int elementsPerIteration, boolean max, boolean writes) {
        return reduce(REDUCTIONS.get().of(body), buffers, batch, hyper, null, n, align, elementsPerIteration, max,
                writes);
    }

    /** {@link #reduce(Reduction, float[][], int, float[], int, int, int, boolean, boolean)} of a shared kernel method. */
    public static double reduce(SlottedReduction body, float[][] buffers, int batch, float[] hyper, int[] slots, int n,
                                int align, int elementsPerIteration, boolean max, boolean writes) {
        return reduce(REDUCTIONS.get().of(body), buffers, batch, hyper, slots, n, align, elementsPerIteration, max,
                writes);
    }

    private static double reduce(ReductionJob job, float[][] buffers, int batch, float[] hyper, int[] slots, int n,
                                 int align, int elementsPerIteration, boolean max, boolean writes) {
        if (n <= 0) {
            job.clear();
            return max ? Double.NEGATIVE_INFINITY : 0;
        }
        int chunks = job.cutInto(buffers, batch, hyper, slots, n, Math.max(1, align), REDUCTION_CHUNKS);
        try {
            boolean split = Gemm.threads() > 1 && chunks > 1
                    && (long) n * elementsPerIteration >= (writes ? parallelMinElements : reductionMinElements)
                    && Gemm.runParts(job, chunks);
            if (!split) {
                for (int q = 0; q < chunks; q++) {
                    job.part(q);
                }
            }
            return job.combine(max);
        } finally {
            job.clear();
        }
    }

    /**
     * A loop started ahead on the helper threads ({@link #startAhead}) and completed by {@link #finish}: one holder per
     * place that gathers ahead, reused from one loop to the next.
     */
    public static final class Ahead {
        private final GemmPool.Background work = new GemmPool.Background();
        private final RangeJob job = new RangeJob();
        private boolean started;

        /**
         * Completes the loop started last, running on this thread what no helper has started, and rethrows what the loop
         * threw; its writes are then visible here. Nothing when no loop is pending.
         */
        public void finish() {
            if (!started) {
                return;
            }
            started = false;
            try {
                work.finish();
            } finally {
                job.clear();
            }
        }
    }

    /**
     * Starts {@code body} over {@code [0, n)}, cut into {@code parts} ranges at multiples of {@code align} iterations, as
     * work the helper threads take up while they have nothing else to do: between the products and loops of whatever
     * the caller does next. {@link Ahead#finish} completes it. False (nothing started: the caller runs the loop itself)
     * with one thread, or while another holder's loop is pending. A loop still pending in {@code ahead} is finished
     * first.
     */
    public static boolean startAhead(Ahead ahead, Body body, float[][] buffers, int batch, float[] hyper, int n,
                                     int align, int parts) {
        ahead.finish();
        if (Gemm.threads() < 2 || n <= 0) {
            return false;
        }
        // a huge batch asks for more parts than a job holds (GemmPool.Claims): fewer, longer ones then
        int p = ahead.job.of(body).cutInto(buffers, batch, hyper, null, n, Math.max(1, align),
                Math.max(1, Math.min(GemmPool.Claims.MAX_PARTS, parts)));
        if (!Gemm.pool().startBackground(ahead.work, ahead.job, p)) {
            ahead.job.clear();
            return false;
        }
        ahead.started = true;
        return true;
    }

    /** A loop's arguments, and its cut into {@code parts} ranges at multiples of {@code align} iterations. */
    private abstract static class Ranges implements GemmPool.Job {
        float[][] buffers;
        int batch;
        float[] hyper;
        int[] slots;
        private int n;
        private int align;
        private int units;
        int parts;

        /** Takes the loop's arguments; returns the number of ranges, at most {@code maxParts}. */
        final int cutInto(float[][] buffers, int batch, float[] hyper, int[] slots, int n, int align, int maxParts) {
            this.buffers = buffers;
            this.batch = batch;
            this.hyper = hyper;
            this.slots = slots;
            this.n = n;
            this.align = align;
            this.units = (n + align - 1) / align;
            this.parts = Math.min(units, maxParts);
            return parts;
        }

        /** Where range {@code q} starts. */
        final int cut(int q) {
            return (int) Math.min(n, (long) q * units / parts * align);
        }

        /** Drops the references so a finished loop does not keep a model's buffers reachable. */
        void clear() {
            buffers = null;
            hyper = null;
            slots = null;
        }
    }

    /** One loop cut into {@code parts} ranges, one holder per calling thread. */
    private static final class RangeJob extends Ranges {
        private SlottedBody body;

        RangeJob of(SlottedBody body) {
            this.body = body;
            return this;
        }

        @Override
        public void part(int q) {
            body.run(buffers, batch, hyper, slots, cut(q), cut(q + 1));
        }

        @Override
        void clear() {
            super.clear();
            body = null;
        }
    }

    /** One reduction cut into chunks, with each chunk's result; one holder per calling thread. */
    private static final class ReductionJob extends Ranges {
        private final double[] partials = new double[REDUCTION_CHUNKS];
        private SlottedReduction body;

        ReductionJob of(SlottedReduction body) {
            this.body = body;
            return this;
        }

        @Override
        public void part(int q) {
            partials[q] = body.run(buffers, batch, hyper, slots, cut(q), cut(q + 1));
        }

        double combine(boolean max) {
            double r = partials[0];
            for (int q = 1; q < parts; q++) {
                r = max ? Math.max(r, partials[q]) : r + partials[q];
            }
            return r;
        }

        @Override
        void clear() {
            super.clear();
            body = null;
        }
    }
}
