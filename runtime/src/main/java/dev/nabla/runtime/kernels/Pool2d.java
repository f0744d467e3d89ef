package dev.nabla.runtime.kernels;

import dev.nabla.runtime.VectorApi;

/**
 * 2-D max and average pooling called by generated code, on NCHW {@code float[]} storage starting at index 0: input
 * {@code x[batch, c, h, w]}, output {@code y[batch, c, oh, ow]}; output {@code (oy, ox)} pools the window of
 * {@code kh x kw} input positions starting at {@code (oy*sh - ph, ox*sw - pw)}. Positions outside the input are
 * padding: they never win a max (PyTorch pads with -infinity) and count as zeros in an average, whose divisor is
 * always {@code kh*kw} ({@code count_include_pad}). The bottom/right padding is whatever {@code oh, ow} imply. For max
 * pooling every window must hold at least one input position (checked). Arrays may be longer than the sizes need;
 * outputs must not overlap inputs.
 *
 * <p>The maximum of a window is its first largest element in row-major order, where a NaN counts as larger than
 * anything and the first NaN wins (PyTorch's rule); {@link #maxBackward} and {@link #maxGather} use that position.
 * {@link #maxForward} returns the maximum's value: NaN if the window holds one, and of a window holding both zeros
 * the Vector API family may return +0 where the first is -0.
 *
 * <p>The family is chosen as for {@link Conv2d}: the Vector API one has dedicated loops for 2 x 2 windows of stride
 * 2, the plain-Java one serves every shape. Calls on enough data are split by planes (image, channel) over
 * {@link Gemm#threads()} threads; planes are independent, so results are bit-identical for any thread count.
 * Nothing is allocated per call after warm-up.
 */
public final class Pool2d {

    /** Below this many input floats a call runs on the caller: handing work over costs about a microsecond. */
    static final long PARALLEL_MIN_ELEMENTS = 1L << 15;
    /** The threshold in force; tests lower it to split small calls. */
    static volatile long parallelMinElements = PARALLEL_MIN_ELEMENTS;
    private static final int PARTS_PER_THREAD = 4;

    static final int MAX_FORWARD = 0;
    static final int MAX_BACKWARD = 1;
    static final int MAX_GATHER = 2;
    static final int AVG_FORWARD = 3;
    static final int AVG_BACKWARD = 4;
    static final int MAX_BACKWARD_RELU = 5;

    private static final Pool2dKernel KERNEL = chooseKernel(System.getProperty(VectorApi.PROPERTY));
    private static final ThreadLocal<Pool2dCall> CALLS = ThreadLocal.withInitial(Pool2dCall::new);
    private static final ThreadLocal<PoolJob> JOBS = ThreadLocal.withInitial(PoolJob::new);

    private Pool2d() {
    }

    /** {@code y[b,c,oy,ox]} = the maximum of the window (see the class comment). */
    public static void maxForward(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                  int ph, int pw, float[] x, float[] y) {
        maxForward(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, y);
    }

    /**
     * dx overwritten with zeros, then each {@code g[b,c,oy,ox]} added at the position of its window's maximum (the
     * first largest in row-major order, the first NaN if any); overlapping windows accumulate.
     */
    public static void maxBackward(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                   int ph, int pw, float[] x, float[] g, float[] dx) {
        maxBackward(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, g, dx);
    }

    /**
     * {@link #maxBackward}, then {@code dx} zeroed wherever {@code x} is not positive: the gradient of a max pooling
     * of ReLU outputs x with the ReLU's backward mask applied, as {@code select(x > 0, maxBackward(x, g), 0)}. Each
     * part masks the planes it has just written, while they are still in cache, instead of a separate pass.
     */
    public static void maxBackwardRelu(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                       int ph, int pw, float[] x, float[] g, float[] dx) {
        maxBackward(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, g, dx, MAX_BACKWARD_RELU);
    }

    /**
     * {@code out[b,c,oy,ox] = hx[b,c,iy,ix]} where {@code (iy,ix)} is the position {@link #maxBackward} would use:
     * the adjoint of maxBackward with respect to g. out is shaped like y, hx like x.
     */
    public static void maxGather(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                 int ph, int pw, float[] x, float[] hx, float[] out) {
        maxGather(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, hx, out);
    }

    /** The average over the window including padding positions: the sum of its input elements / {@code (kh*kw)}. */
    public static void avgForward(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                  int ph, int pw, float[] x, float[] y) {
        avgForward(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, y);
    }

    /** dx overwritten: each g spread as {@code g / (kh*kw)} over its window's input positions; windows accumulate. */
    public static void avgBackward(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw,
                                   int ph, int pw, float[] g, float[] dx) {
        avgBackward(KERNEL, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, g, dx);
    }

    /** Which family is active: "vector" or "scalar". */
    public static String implementation() {
        return KERNEL.name();
    }

    static void maxForward(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                           int sh, int sw, int ph, int pw, float[] x, float[] y) {
        Pool2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, true);
            call.x = x;
            call.y = y;
            call.checkInput("x", x);
            call.checkOutput("y", y);
            run(kernel, call, MAX_FORWARD);
        } finally {
            call.clear();
        }
    }

    static void maxBackward(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                            int sh, int sw, int ph, int pw, float[] x, float[] g, float[] dx) {
        maxBackward(kernel, batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, x, g, dx, MAX_BACKWARD);
    }

    static void maxBackward(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                            int sh, int sw, int ph, int pw, float[] x, float[] g, float[] dx, int op) {
        Pool2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, true);
            call.x = x;
            call.g = g;
            call.dx = dx;
            call.checkInput("x", x);
            call.checkOutput("g", g);
            call.checkInput("dx", dx);
            run(kernel, call, op);
        } finally {
            call.clear();
        }
    }

    static void maxGather(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                          int sh, int sw, int ph, int pw, float[] x, float[] hx, float[] out) {
        Pool2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, true);
            call.x = x;
            call.hx = hx;
            call.out = out;
            call.checkInput("x", x);
            call.checkInput("hx", hx);
            call.checkOutput("out", out);
            run(kernel, call, MAX_GATHER);
        } finally {
            call.clear();
        }
    }

    static void avgForward(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                           int sh, int sw, int ph, int pw, float[] x, float[] y) {
        Pool2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, false);
            call.x = x;
            call.y = y;
            call.checkInput("x", x);
            call.checkOutput("y", y);
            run(kernel, call, AVG_FORWARD);
        } finally {
            call.clear();
        }
    }

    static void avgBackward(Pool2dKernel kernel, int batch, int c, int h, int w, int kh, int kw, int oh, int ow,
                            int sh, int sw, int ph, int pw, float[] g, float[] dx) {
        Pool2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, false);
            call.g = g;
            call.dx = dx;
            call.checkOutput("g", g);
            call.checkInput("dx", dx);
            run(kernel, call, AVG_BACKWARD);
        } finally {
            call.clear();
        }
    }

    private static void run(Pool2dKernel kernel, Pool2dCall call, int op) {
        int planes = call.planes();
        if (planes == 0) {
            return;
        }
        PoolJob job = JOBS.get().set(kernel, call, op, planes);
        try {
            int t = Gemm.threads();
            long elements = (long) planes * (call.hw + call.ohw);
            if (t > 1 && planes > 1 && elements >= parallelMinElements) {
                int parts = Math.min(planes, t * PARTS_PER_THREAD);
                if (Gemm.runParts(job.parts(parts), parts)) {
                    return;
                }
            }
            job.parts(1).part(0);
        } finally {
            job.clear();
        }
    }

    /** {@code dx[i] = x[i] > 0 ? dx[i] : 0} over {@code [from, to)}: NaN in x masks too, as {@code x > 0} is false. */
    static void maskNonPositive(float[] x, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = x[i] > 0 ? dx[i] : 0f;
        }
    }

    /** One call cut into ranges of planes, one holder per calling thread. */
    private static final class PoolJob implements GemmPool.Job {
        private Pool2dKernel kernel;
        private Pool2dCall call;
        private int op;
        private int planes;
        private int parts;

        PoolJob set(Pool2dKernel kernel, Pool2dCall call, int op, int planes) {
            this.kernel = kernel;
            this.call = call;
            this.op = op;
            this.planes = planes;
            return this;
        }

        PoolJob parts(int count) {
            this.parts = count;
            return this;
        }

        @Override
        public void part(int q) {
            int from = (int) ((long) q * planes / parts);
            int to = (int) ((long) (q + 1) * planes / parts);
            switch (op) {
                case MAX_FORWARD -> kernel.maxForward(call, from, to);
                case MAX_BACKWARD -> kernel.maxBackward(call, from, to);
                case MAX_BACKWARD_RELU -> {
                    kernel.maxBackward(call, from, to);
                    maskNonPositive(call.x, call.dx, from * call.hw, to * call.hw);
                }
                case MAX_GATHER -> kernel.maxGather(call, from, to);
                case AVG_FORWARD -> kernel.avgForward(call, from, to);
                default -> kernel.avgBackward(call, from, to);
            }
        }

        void clear() {
            kernel = null;
            call = null;
        }
    }

    /** The plain-Java family, for tests and benchmarks that compare the two in one JVM. */
    static Pool2dKernel scalarKernel() {
        return ScalarPool2d.INSTANCE;
    }

    /** The active family. */
    static Pool2dKernel activeKernel() {
        return KERNEL;
    }

    /** The family for a value of the {@code nabla.vector} property ({@link VectorApi#enabled(String)}, as for {@link Gemm}). */
    static Pool2dKernel chooseKernel(String vectorProperty) {
        if (!VectorApi.enabled(vectorProperty)) {
            return ScalarPool2d.INSTANCE;
        }
        try {
            // By name, so that this class links without the incubator module.
            Class<?> vector = Class.forName("dev.nabla.runtime.kernels.VectorPool2d");
            return (Pool2dKernel) vector.getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarPool2d.INSTANCE;
        }
    }
}
