package dev.nabla.runtime.kernels;

import dev.nabla.runtime.VectorApi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matrix products called by generated kernels, on row-major {@code float[]} storage with offsets.
 * {@code C[m,n] = op(A) * op(B)} (or {@code +=} when {@code accumulate}), where {@code op(A)} is
 * {@code A[m,k]} or, with {@code transA}, the transpose of {@code A[k,m]}; likewise for B
 * ({@code B[k,n]}, or {@code B[n,k]} transposed). C must not overlap A, B or the bias.
 *
 * <p>The implementation is chosen once, at class initialisation, by the rule generated models use too
 * ({@link VectorApi#enabled(String)}): the Vector API kernels when the JVM has {@code jdk.incubator.vector} and the
 * system property {@code nabla.vector} is not {@code false} (in any case), plain Java otherwise. The Vector API
 * classes are only loaded in the first case.
 *
 * <p>Large products are split over {@link #threads()} threads (default: the available processors, at most
 * 2, or the system property {@code nabla.threads}). Every element of C is computed by the same sequence of
 * operations whatever the thread count, so results are bit-identical for any setting. No method allocates
 * after warm-up.
 */
public final class Gemm {

    /** Epilogue applied to each element of C as it is stored: nothing, or ReLU. */
    public static final int ACT_NONE = 0;
    public static final int ACT_RELU = 1;

    /** Below this many multiply-adds handing half the work to another thread costs more than it saves. */
    static final long PARALLEL_MIN_FMAS = 1L << 18;
    /** The threshold in force; tests lower it to split small products. */
    static volatile long parallelMinFmas = PARALLEL_MIN_FMAS;
    private static final int MAX_THREADS = 64;
    /**
     * Parts are claimed one at a time, so a product ends, on average, about half a part after the faster thread ran
     * out of parts to claim: finer parts shorten that wait, until a part's fixed costs (its columns read A once more)
     * outweigh it. For W1's step at 2 threads, 8 per thread (16 parts, one 16-column panel each for the first layer)
     * took the 8 products 0.90-0.92 of the time 4 per thread took, in four paired runs; 6, 12 and 16 per thread
     * gained nothing (docs/benchmarks.md). A kernel may ask for fewer ({@link GemmKernel#partsPerThread}), not more.
     */
    static final int PARTS_PER_THREAD = 8;
    /** Row splits stop at parts of this many row blocks (24 rows for the vector kernel). */
    private static final int MIN_ROW_BLOCKS = 4;
    /**
     * 1/TAIL_SHARE of the parts (at least one per thread), those claimed last, are cut again into up to TAIL_PIECES
     * runs of rows ({@link #split}). A product ends when its last part does: with parts of equal size the caller waited, on
     * average, half a part for the helper's last one (in W1's training at two threads, 12% of the caller's JFR samples
     * sat in that wait, 9.5-16.2% over four runs); with the tail cut finer, 7.7-9.3% (alternating runs). W1's 8
     * products alone, paired in one JVM, took 0.90-1.00 of the time, median 0.98, in six pairs (A/A 0.98-1.00): there
     * the helper never arrives late from other work. W3 at batch 128 with frozen weights, two complete stacks
     * alternating pass by pass in one JVM: 1.055-1.071 times the samples/s (A/A 0.98-1.03); 8 pieces instead of 4, half
     * the parts cut instead of a quarter, and 6 or 12 parts per thread instead of 8 all came within 0.98-1.03 of these
     * settings. {@code -Dnabla.gemm.tails=false} keeps whole parts.
     */
    private static final int TAIL_SHARE = 4;
    private static final int TAIL_PIECES = 4;
    static final boolean TAILS = !"false".equals(System.getProperty("nabla.gemm.tails"));

    private static final GemmKernel KERNEL = chooseKernel();
    private static final ThreadLocal<GemmCall> CALLS = ThreadLocal.withInitial(GemmCall::new);
    private static final ThreadLocal<GemmJob> JOBS = ThreadLocal.withInitial(GemmJob::new);

    private static volatile int threads = defaultThreads();
    private static GemmPool pool;

    private Gemm() {
    }

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        GemmCall call = CALLS.get().set(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, null, 0,
                ACT_NONE);
        run(KERNEL, call);
    }

    /**
     * {@code C = act(A * op(B) + bias)} with {@code bias[n]} broadcast over rows: the dense layer's
     * forward product with its epilogue fused into the store. {@code bias} may be null.
     */
    public static void gemmBiasAct(boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                                   float[] c, int cOff, float[] bias, int biasOff, int act) {
        if (act != ACT_NONE && act != ACT_RELU) {
            throw new IllegalArgumentException("unknown activation " + act);
        }
        GemmCall call = CALLS.get().set(false, transB, m, n, k, a, aOff, b, bOff, c, cOff, false, bias, biasOff, act);
        run(KERNEL, call);
    }

    /**
     * Makes products on the calling thread whose B is one of {@code weights}' frozen arrays read it packed, until the
     * next call (null: none). Returns the previous binding, to restore in a {@code finally}: {@link PackedWeights#predict}
     * binds around the generated {@code predict}.
     */
    static PackedWeights bind(PackedWeights weights) {
        GemmCall holder = CALLS.get();
        PackedWeights previous = holder.bound;
        holder.bound = weights;
        return previous;
    }

    /** Which implementation is active: "vector" or "scalar". */
    public static String implementation() {
        return KERNEL.name();
    }

    /** Threads a large product is split over (1 = the caller's thread only). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads products use, from 1 to 64; helper threads are started on first use. */
    public static synchronized void setThreads(int count) {
        if (count < 1 || count > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ", got " + count);
        }
        threads = count;
    }

    /**
     * Column sums of {@code g[m,n]} into {@code out[n]} ({@code +=} when {@code accumulate}): the gradient of
     * a bias broadcast over rows. Each sum is taken in order of rows.
     */
    public static void sumRows(int m, int n, float[] g, int gOff, float[] out, int outOff, boolean accumulate) {
        Elementwise.sumRows(m, n, g, gOff, out, outOff, accumulate);
    }

    /**
     * ReLU backward: {@code out[i] = y[i] > 0 ? grad[i] : 0} for {@code len} elements, where {@code y} is the
     * ReLU's output (or input: both are positive at the same places). {@code out} may be {@code grad}.
     */
    public static void reluBackward(int len, float[] grad, int gradOff, float[] y, int yOff, float[] out, int outOff) {
        Elementwise.reluBackward(len, grad, gradOff, y, yOff, out, outOff);
    }

    /**
     * Runs {@code call} with {@code kernel}, split over threads when it is large enough, through {@link #runOutOfLine}:
     * a call the JIT compiler does not inline, so that C2 compiles the product's dispatch (this method's body, the
     * kernel's panel and tile walk, the thread pool) once, not once more inside every method that calls a product. Each
     * generated kernel that runs a product is a few bytecodes around this call; inlined, C2 compiled the whole tree
     * into each of them, 0.4-0.6 s of compiler time apiece for W3's frozen predict (docs/benchmarks.md), while the
     * compiler thread shared the two cores with the product's own two threads. Not inlining it costs one indirect call
     * per product, a few nanoseconds against at least a microsecond of work.
     */
    static void run(GemmKernel kernel, GemmCall call) {
        try {
            runOutOfLine.invokeExact(kernel, call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t); // runNow declares no checked exception
        }
    }

    /**
     * {@link #runNow}. Not final on purpose: C2 takes a static final method handle for a constant and inlines its
     * target, which is what this handle is there to prevent.
     */
    private static MethodHandle runOutOfLine = runNowHandle();

    private static MethodHandle runNowHandle() {
        try {
            return MethodHandles.lookup().findStatic(Gemm.class, "runNow",
                    MethodType.methodType(void.class, GemmKernel.class, GemmCall.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void runNow(GemmKernel kernel, GemmCall call) {
        try {
            call.check();
            if (call.m == 0 || call.n == 0) {
                return;
            }
            call.serial = SERIALS.incrementAndGet();
            if (call.bound != null) {
                // on the calling thread, before the parts are handed out: a first use packs B here, once
                call.packedB = call.bound.lookup(kernel, call);
            }
            int depthCut = kernel.depthCut(call);
            if (depthCut > 0) {
                runByDepth(kernel, call, depthCut);
                return;
            }
            boolean packs = kernel.prepare(call);
            int t = threads;
            if (t > 1 && call.fmas() >= parallelMinFmas) {
                GemmJob job = JOBS.get();
                int parts = split(kernel, call.m, call.n, t, kernel.partsPerThread(call), kernel.panelMajor(call),
                        job.rect);
                if (parts > 1) {
                    if (packs && !packInParts(kernel, call, t, job)) {
                        kernel.pack(call, 0, 1);
                    }
                    packs = false;
                    if (runParts(job.set(kernel, call), parts)) {
                        return;
                    }
                }
            }
            if (packs) {
                kernel.pack(call, 0, 1);
            }
            kernel.compute(call, 0, call.m, 0, call.n);
        } finally {
            call.clear();
        }
    }

    /**
     * Cuts C into rectangles {@code rect[4q..4q+3] = i0, i1, j0, j1} for {@code t} threads: by column panels (each part
     * then reads, or packs, only its columns of B) and by rows, into about {@code partsPerThread} cells per thread
     * of at least {@link #MIN_ROW_BLOCKS} row blocks, in row-major order. The calling thread claims parts from the
     * front and the helpers from the back ({@link GemmPool}), so while both keep up the caller computes the first rows
     * of C and a helper the last: the halves that the elementwise loops reading C give them ({@link Parallel} cuts a
     * loop's outermost variable, the rows, in order), and the halves of a weight gradient that the update then
     * reads. The cells where the two ends meet, 1/{@link #TAIL_SHARE} of them (at least t), are cut again by rows into
     * up to {@link #TAIL_PIECES} runs of at least {@link #MIN_ROW_BLOCKS} row blocks, so that the thread that runs out
     * of parts first waits for a small one. When a helper shares its core with other work the caller takes over more
     * of the parts. Returns the number of parts, 1 when C is too small to cut.
     *
     * <p>With {@code panelMajor}, each half of the cells is in panel-major order instead: the front half (the first rows
     * of C, which the caller claims) panel by panel, each over its rows in order, and the back half so that a helper
     * claiming from the back meets its cells in the same order. A thread then takes the cells of one panel one after
     * another, and packs that panel of B once for them ({@link Scratch#panelLabel}); in row-major order it packed it
     * again for each of its runs of rows.
     */
    static int split(GemmKernel kernel, int m, int n, int t, int partsPerThread, boolean panelMajor, int[] rect) {
        int colUnits = ceilDiv(n, kernel.columnAlign());
        int rowUnits = ceilDiv(m, kernel.rowAlign());
        int target = t * Math.min(partsPerThread, PARTS_PER_THREAD);
        int colParts = Math.min(colUnits, target);
        int rowParts = Math.min(Math.max(1, rowUnits / MIN_ROW_BLOCKS), ceilDiv(target, colParts));
        int cells = colParts * rowParts;
        if (cells < t) {
            return 1;
        }
        int tailCells = TAILS ? Math.max(t, cells / TAIL_SHARE) : 0;
        int tailFrom = (cells - tailCells) / 2;
        int parts = 0;
        for (int pos = 0; pos < cells; pos++) {
            int cell = panelMajor ? panelMajorCell(pos, rowParts, colParts) : pos;
            int rq = cell / colParts;
            int cq = cell % colParts;
            int j0 = cut(cq, colParts, colUnits, kernel.columnAlign(), n);
            int j1 = cut(cq + 1, colParts, colUnits, kernel.columnAlign(), n);
            int cellUnits0 = (int) ((long) rq * rowUnits / rowParts);
            int cellUnits1 = (int) ((long) (rq + 1) * rowUnits / rowParts);
            boolean tail = pos >= tailFrom && pos < tailFrom + tailCells;
            int pieces = tail ? Math.max(1, Math.min(TAIL_PIECES, (cellUnits1 - cellUnits0) / MIN_ROW_BLOCKS)) : 1;
            parts = putRuns(rect, parts, cellUnits0, cellUnits1, pieces, kernel.rowAlign(), m, j0, j1);
        }
        return parts;
    }

    /**
     * Rectangles {@code q, q+1, ...}: the row units {@code [u0, u1)} cut into {@code pieces} runs, each over columns
     * {@code [j0, j1)}. Returns the number of the next rectangle.
     */
    private static int putRuns(int[] rect, int q, int u0, int u1, int pieces, int align, int m, int j0, int j1) {
        for (int piece = 0; piece < pieces; piece++, q++) {
            rect[4 * q] = rowAt(u0, u1, piece, pieces, align, m);
            rect[4 * q + 1] = rowAt(u0, u1, piece + 1, pieces, align, m);
            rect[4 * q + 2] = j0;
            rect[4 * q + 3] = j1;
        }
        return q;
    }

    /** Numbers the products, for the labels of the panels their parts pack ({@link Scratch#panelLabel}). */
    private static final AtomicLong SERIALS = new AtomicLong();
    /** A slice is cut into at most this many column parts (then rows), however wide C is. */
    private static final int MAX_SLICE_COLUMN_PARTS = 16;

    /**
     * A product whose depth the kernel cuts in two ({@link GemmKernel#depthCut}): the sums over the first slice into C,
     * those over the second into the calling thread's scratch, then C = act(C + those + bias) by rows. Split over
     * threads, the caller computes the first slice and a helper the second, so each reads one half of B's rows. A
     * weight matrix is updated by the threads in the same halves of its rows (the update's loop is cut by its rows in
     * order, the caller's first), so each then reads the rows it wrote: cut by rows of C instead, both threads read all of
     * B, and the update's writes took every line of it away from the other core's cache (docs/benchmarks.md). On one
     * thread or many, the same slices in the same order: the same bits.
     */
    private static void runByDepth(GemmKernel kernel, GemmCall call, int depthCut) {
        call.depthCut = depthCut;
        call.partial = Scratch.current().partial(call.m * call.n);
        int t = threads;
        GemmJob job = JOBS.get();
        int cells = sliceCells(kernel, call.m, call.n, job.rect);
        if (!(t > 1 && call.fmas() >= parallelMinFmas && runParts(job.slices(kernel, call, cells), 2 * cells))) {
            kernel.computeSlice(call, 0, call.m, 0, call.n, 0);
            kernel.computeSlice(call, 0, call.m, 0, call.n, 1);
        }
        int rowShares = Math.min(call.m, 2 * t);
        if (!(t > 1 && (long) call.m * call.n >= Parallel.PARALLEL_MIN_ELEMENTS
                && runParts(job.combining(kernel, call, rowShares), rowShares))) {
            kernel.combineSlices(call, 0, call.m);
        }
    }

    /**
     * Cuts one slice of a product cut by depth into rectangles {@code rect[4q..4q+3] = i0, i1, j0, j1}: by column panels,
     * each with all rows (a thread packs a panel's slice of B once for all of them), the last one also by rows into up to
     * {@link #TAIL_PIECES} runs of at least {@link #MIN_ROW_BLOCKS} row blocks. The last rectangles are where the
     * threads, each working through its own slice, meet: small ones there let them end together. Returns the count.
     */
    static int sliceCells(GemmKernel kernel, int m, int n, int[] rect) {
        int colUnits = ceilDiv(n, kernel.columnAlign());
        int rowUnits = ceilDiv(m, kernel.rowAlign());
        int colParts = Math.min(colUnits, MAX_SLICE_COLUMN_PARTS);
        int pieces = Math.max(1, Math.min(TAIL_PIECES, rowUnits / MIN_ROW_BLOCKS));
        int q = 0;
        for (int cq = 0; cq < colParts; cq++) {
            int j0 = cut(cq, colParts, colUnits, kernel.columnAlign(), n);
            int j1 = cut(cq + 1, colParts, colUnits, kernel.columnAlign(), n);
            q = putRuns(rect, q, 0, rowUnits, cq == colParts - 1 ? pieces : 1, kernel.rowAlign(), m, j0, j1);
        }
        return q;
    }

    /** The row-major number of the cell at position {@code pos} of the panel-major order of {@link #split}. */
    static int panelMajorCell(int pos, int rowParts, int colParts) {
        int frontRows = (rowParts + 1) / 2;
        if (pos < frontRows * colParts) {
            return pos % frontRows * colParts + pos / frontRows;
        }
        int fromBack = rowParts * colParts - 1 - pos;
        int backRows = rowParts - frontRows;
        return (frontRows + fromBack % backRows) * colParts + fromBack / backRows;
    }

    /** The row where piece {@code piece} of {@code pieces} of the row units {@code [u0, u1)} starts. */
    private static int rowAt(int u0, int u1, int piece, int pieces, int align, int m) {
        return (int) Math.min(m, (u0 + (long) piece * (u1 - u0) / pieces) * align);
    }

    /**
     * Packs what the parts read packed ({@link GemmKernel#pack}) over the pool in {@code 2t} shares, before the parts
     * run; false if the pool was busy (nothing packed).
     */
    private static boolean packInParts(GemmKernel kernel, GemmCall call, int t, GemmJob job) {
        return runParts(job.packing(kernel, call, 2 * t), 2 * t);
    }

    /**
     * A product cut into the rectangles of {@link #split}, one per calling thread; or, before that, what its parts
     * read packed, cut into shares ({@link #packing}); or a product cut by depth: its two slices' rectangles
     * ({@link #slices}), then the rows of their sum ({@link #combining}).
     */
    private static final class GemmJob implements GemmPool.Job {
        private static final int PRODUCT = 0;
        private static final int PACKING = 1;
        private static final int SLICES = 2;
        private static final int COMBINING = 3;

        final int[] rect = new int[4 * maxParts(MAX_THREADS)];
        private GemmKernel kernel;
        private GemmCall call;
        private int shares;
        private int kind;

        GemmJob set(GemmKernel kernel, GemmCall call) {
            return of(kernel, call, PRODUCT, 0);
        }

        GemmJob packing(GemmKernel kernel, GemmCall call, int shares) {
            return of(kernel, call, PACKING, shares);
        }

        /** Parts {@code [0, cells)}: the rectangles for the first slice; {@code [cells, 2 cells)}: the second's, reversed. */
        GemmJob slices(GemmKernel kernel, GemmCall call, int cells) {
            return of(kernel, call, SLICES, cells);
        }

        GemmJob combining(GemmKernel kernel, GemmCall call, int shares) {
            return of(kernel, call, COMBINING, shares);
        }

        private GemmJob of(GemmKernel kernel, GemmCall call, int kind, int shares) {
            this.kernel = kernel;
            this.call = call;
            this.kind = kind;
            this.shares = shares;
            return this;
        }

        @Override
        public void part(int q) {
            switch (kind) {
                case PACKING -> kernel.pack(call, q, shares);
                case SLICES -> {
                    // the caller claims from the front (the first slice), helpers from the back (the second slice, from
                    // its first rectangle on): each thread reads one slice of B while the two keep up
                    int slice = q < shares ? 0 : 1;
                    int r = 4 * (slice == 0 ? q : 2 * shares - 1 - q);
                    kernel.computeSlice(call, rect[r], rect[r + 1], rect[r + 2], rect[r + 3], slice);
                }
                case COMBINING -> kernel.combineSlices(call, cut(q, shares, call.m, 1, call.m),
                        cut(q + 1, shares, call.m, 1, call.m));
                default -> kernel.compute(call, rect[4 * q], rect[4 * q + 1], rect[4 * q + 2], rect[4 * q + 3]);
            }
        }
    }

    /**
     * An upper bound of the parts {@link #split} makes for {@code t} threads: column parts round the cell count up to
     * at most twice the target, and a cell cut again makes at most TAIL_PIECES.
     */
    static int maxParts(int t) {
        return TAIL_PIECES * 2 * t * PARTS_PER_THREAD;
    }

    /** Start of part {@code q} of {@code parts} over {@code units} aligned units of an extent. */
    static int cut(int q, int parts, int units, int align, int extent) {
        return (int) Math.min(extent, (long) q * units / parts * align);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** Runs the parts of {@code job} on the pool of {@link #threads()}; false if the caller must run it alone. */
    static boolean runParts(GemmPool.Job job, int parts) {
        return pool(threads).run(job, parts);
    }

    /** The pool of {@link #threads()} threads, started on first use. */
    static GemmPool pool() {
        return pool(threads);
    }

    private static synchronized GemmPool pool(int t) {
        if (pool == null || pool.helpers() != t - 1) {
            if (pool != null) {
                pool.shutdown();
            }
            pool = new GemmPool(t - 1);
        }
        return pool;
    }

    /** The scalar kernel, for tests and benchmarks that compare the two in one JVM. */
    static GemmKernel scalarKernel() {
        return ScalarGemm.INSTANCE;
    }

    /** The active kernel. */
    static GemmKernel activeKernel() {
        return KERNEL;
    }

    private static int defaultThreads() {
        int fallback = Math.min(2, Runtime.getRuntime().availableProcessors());
        String prop = System.getProperty("nabla.threads");
        if (prop == null) {
            return fallback;
        }
        try {
            return Math.max(1, Math.min(MAX_THREADS, Integer.parseInt(prop.trim())));
        } catch (NumberFormatException e) {
            return fallback; // a bad setting must not make the class fail to initialise
        }
    }

    private static GemmKernel chooseKernel() {
        return chooseKernel(System.getProperty(VectorApi.PROPERTY));
    }

    /** The kernel for a value of the {@code nabla.vector} property. */
    static GemmKernel chooseKernel(String vectorProperty) {
        if (!VectorApi.enabled(vectorProperty)) {
            return ScalarGemm.INSTANCE;
        }
        try {
            // By name, so that this class links without the incubator module.
            Class<?> vector = Class.forName("dev.nabla.runtime.kernels.VectorGemm");
            return (GemmKernel) vector.getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarGemm.INSTANCE;
        }
    }
}
