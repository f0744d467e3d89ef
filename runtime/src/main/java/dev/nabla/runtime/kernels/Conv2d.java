package dev.nabla.runtime.kernels;

import dev.nabla.runtime.VectorApi;

/**
 * 2-D convolution kernels called by generated code, on NCHW {@code float[]} storage starting at index 0: input
 * {@code x[batch, c, h, w]}, weights {@code weight[o, c, kh, kw]}, output {@code y[batch, o, oh, ow]}. Output
 * position {@code (oy, ox)} reads input {@code (oy*sh + i*dh - ph, ox*sw + j*dw - pw)} for kernel tap
 * {@code (i, j)}; reads outside {@code [0,h) x [0,w)} are zero. The top/left padding is {@code ph, pw}; the
 * bottom/right padding is whatever {@code oh, ow} imply, so asymmetric ("same") padding needs no extra argument.
 * Arrays may be longer than the sizes need; outputs must not overlap inputs.
 *
 * <p>The implementation is chosen once, at class initialisation, by the rule of {@link Gemm} ({@link VectorApi}): the
 * Vector API family when the JVM has {@code jdk.incubator.vector} and the system property {@code nabla.vector} is
 * not {@code false}, plain Java otherwise; the Vector API classes are only loaded in the first case. Both lower the
 * convolution to matrix products per image over the output positions (never over channels: the networks this
 * serves have 1 to 16 channels, far fewer than a vector's lanes).
 *
 * <p>Calls with enough work are split over {@link Gemm#threads()} threads on the products' helper pool: the forward
 * pass and the input gradient by images, the filter gradient by chunks of {@link #CHUNK} images whose partial sums
 * are then added in chunk order. Chunk boundaries depend on the batch only, so every result is bit-identical for
 * any thread count. Nothing is allocated per call after warm-up.
 */
public final class Conv2d {

    /** Below this many multiply-adds handing part of the call to another thread costs more than it saves. */
    static final long PARALLEL_MIN_FMAS = 1L << 18;
    /** The threshold in force; tests lower it to split small calls. */
    static volatile long parallelMinFmas = PARALLEL_MIN_FMAS;
    /**
     * Images per partial sum of the filter gradient: fixed, so that the order of the additions, hence every bit of
     * the result, does not depend on the thread count. Each chunk ends with {@code o*k} sums over vector lanes and
     * one more {@code o*k} partial to add: with 16, batch 128 still has 8 parts to share between threads.
     */
    static final int CHUNK = 16;
    private static final int PARTS_PER_THREAD = 4;

    // Scratch slots (Scratch.conv): the parts use slots 0 to 3 on every thread, the caller keeps per-call buffers
    // in 4 to 6 (the chunks' partial filter gradients, and what the family's prepare() builds).
    private static final int SLOT_PARTIALS = 4;
    static final int SLOT_CALL_A = 5;
    static final int SLOT_CALL_B = 6;

    static final int FORWARD = 0;
    static final int INPUT_GRAD = 1;
    static final int FILTER_GRAD = 2;

    private static final Conv2dKernel KERNEL = chooseKernel(System.getProperty(VectorApi.PROPERTY));
    private static final ThreadLocal<Conv2dCall> CALLS = ThreadLocal.withInitial(Conv2dCall::new);
    private static final ThreadLocal<ConvJob> JOBS = ThreadLocal.withInitial(ConvJob::new);

    private Conv2d() {
    }

    /**
     * {@code y[b,o,oy,ox] = act(bias[o] + sum_{c,i,j} weight[o,c,i,j] * x[b,c, oy*sh + i*dh - ph, ox*sw + j*dw - pw])}.
     * {@code bias} may be null; {@code act} is {@link Gemm#ACT_NONE} or {@link Gemm#ACT_RELU}; y is overwritten.
     */
    public static void forward(int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
                               int sh, int sw, int ph, int pw, int dh, int dw,
                               float[] x, float[] weight, float[] bias, int act, float[] y) {
        forward(KERNEL, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, x, weight, bias, act, y);
    }

    /**
     * {@code dx[b,c,iy,ix] = sum of g[b,o,oy,ox] * weight[o,c,i,j]} over all {@code (o,oy,ox,i,j)} with
     * {@code oy*sh + i*dh - ph == iy} and {@code ox*sw + j*dw - pw == ix}: the gradient with respect to x of
     * {@link #forward} without activation. dx is overwritten.
     */
    public static void inputGrad(int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
                                 int sh, int sw, int ph, int pw, int dh, int dw,
                                 float[] g, float[] weight, float[] dx) {
        inputGrad(KERNEL, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, g, weight, dx);
    }

    /**
     * {@code dweight[o,c,i,j] = sum_{b,oy,ox} g[b,o,oy,ox] * x[b,c, oy*sh + i*dh - ph, ox*sw + j*dw - pw]} (zero
     * outside the input), overwritten; if {@code dbias != null} also {@code dbias[o] = sum_{b,oy,ox} g[b,o,oy,ox]},
     * overwritten.
     */
    public static void filterGrad(int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
                                  int sh, int sw, int ph, int pw, int dh, int dw,
                                  float[] x, float[] g, float[] dweight, float[] dbias) {
        filterGrad(KERNEL, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, x, g, dweight, dbias);
    }

    /** Which family is active: "vector" or "scalar". */
    public static String implementation() {
        return KERNEL.name();
    }

    static void forward(Conv2dKernel kernel, int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
                        int sh, int sw, int ph, int pw, int dh, int dw,
                        float[] x, float[] weight, float[] bias, int act, float[] y) {
        Conv2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw);
            if (act != Gemm.ACT_NONE && act != Gemm.ACT_RELU) {
                throw new IllegalArgumentException("unknown activation " + act);
            }
            call.x = x;
            call.weight = weight;
            call.bias = bias;
            call.y = y;
            call.relu = act == Gemm.ACT_RELU;
            call.checkX();
            call.checkWeight("weight", weight);
            call.checkBias("bias", bias);
            call.checkOutput("y", y);
            run(kernel, call, FORWARD);
        } finally {
            call.clear();
        }
    }

    private static void runInputGrad(Conv2dKernel kernel, Conv2dCall call) {
        call.checkOutput("g", call.g);
        call.checkWeight("weight", call.weight);
        Conv2dCall.checkLength("dx", call.dx, call.batch, call.c, call.hw);
        run(kernel, call, INPUT_GRAD);
    }

    static void inputGrad(Conv2dKernel kernel, int batch, int c, int h, int w, int o, int kh, int kw, int oh,
                          int ow, int sh, int sw, int ph, int pw, int dh, int dw,
                          float[] g, float[] weight, float[] dx) {
        Conv2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw);
            call.g = g;
            call.weight = weight;
            call.dx = dx;
            runInputGrad(kernel, call);
        } finally {
            call.clear();
        }
    }

    static void filterGrad(Conv2dKernel kernel, int batch, int c, int h, int w, int o, int kh, int kw, int oh,
                           int ow, int sh, int sw, int ph, int pw, int dh, int dw,
                           float[] x, float[] g, float[] dweight, float[] dbias) {
        Conv2dCall call = CALLS.get();
        try {
            call.geometry(batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw);
            call.x = x;
            call.g = g;
            call.dweight = dweight;
            call.dbias = dbias;
            call.checkX();
            call.checkOutput("g", g);
            call.checkWeight("dweight", dweight);
            call.checkBias("dbias", dbias);
            runFilterGrad(kernel, call);
        } finally {
            call.clear();
        }
    }

    /**
     * Each chunk of {@link #CHUNK} images sums its part of the gradient into its own slot of a per-call buffer
     * (on whichever thread claims it); the slots are then added in chunk order.
     */
    private static void runFilterGrad(Conv2dKernel kernel, Conv2dCall call) {
        int ok = call.o * call.k;
        int stride = ok + call.o;
        int chunks = (call.batch + CHUNK - 1) / CHUNK;
        if (chunks == 0) {
            java.util.Arrays.fill(call.dweight, 0, ok, 0f);
            if (call.dbias != null) {
                java.util.Arrays.fill(call.dbias, 0, call.o, 0f);
            }
            return;
        }
        float[] partials = Scratch.current().conv(SLOT_PARTIALS, chunks * stride);
        ConvJob job = JOBS.get();
        job.partials = partials;
        job.stride = stride;
        try {
            run(kernel, call, FILTER_GRAD);
        } finally {
            job.partials = null;
        }
        kernel.sumPartials(partials, 0, stride, chunks, call.dweight, ok);
        if (call.dbias != null) {
            kernel.sumPartials(partials, ok, stride, chunks, call.dbias, call.o);
        }
    }

    /** Runs operation {@code op} of {@code call}, split over threads when it is large enough. */
    private static void run(Conv2dKernel kernel, Conv2dCall call, int op) {
        int units = op == FILTER_GRAD ? (call.batch + CHUNK - 1) / CHUNK : call.batch;
        if (units == 0) {
            return;
        }
        kernel.prepare(call, op);
        ConvJob job = JOBS.get();
        job.set(kernel, call, op, units);
        try {
            int t = Gemm.threads();
            if (t > 1 && units > 1 && call.fmas() >= parallelMinFmas) {
                int parts = Math.min(units, t * PARTS_PER_THREAD);
                if (Gemm.runParts(job.parts(parts), parts)) {
                    return;
                }
            }
            job.parts(1).part(0);
        } finally {
            job.clear();
        }
    }

    /**
     * One call cut into parts of whole images (or whole chunks of images for the filter gradient), one holder per
     * calling thread. Which thread computes which part has no effect on the result.
     */
    private static final class ConvJob implements GemmPool.Job {
        private Conv2dKernel kernel;
        private Conv2dCall call;
        private int op;
        private int units;
        private int parts;
        float[] partials;
        int stride;

        void set(Conv2dKernel kernel, Conv2dCall call, int op, int units) {
            this.kernel = kernel;
            this.call = call;
            this.op = op;
            this.units = units;
        }

        ConvJob parts(int count) {
            this.parts = count;
            return this;
        }

        @Override
        public void part(int q) {
            int u0 = (int) ((long) q * units / parts);
            int u1 = (int) ((long) (q + 1) * units / parts);
            switch (op) {
                case FORWARD -> kernel.forward(call, u0, u1);
                case INPUT_GRAD -> kernel.inputGrad(call, u0, u1);
                default -> {
                    for (int chunk = u0; chunk < u1; chunk++) {
                        int b0 = chunk * CHUNK;
                        kernel.filterGrad(call, b0, Math.min(call.batch, b0 + CHUNK), partials, chunk * stride);
                    }
                }
            }
        }

        void clear() {
            kernel = null;
            call = null;
        }
    }

    /** The plain-Java family, for tests and benchmarks that compare the two in one JVM. */
    static Conv2dKernel scalarKernel() {
        return ScalarConv2d.INSTANCE;
    }

    /** The active family. */
    static Conv2dKernel activeKernel() {
        return KERNEL;
    }

    /** The family for a value of the {@code nabla.vector} property ({@link VectorApi#enabled(String)}, as for {@link Gemm}). */
    static Conv2dKernel chooseKernel(String vectorProperty) {
        if (!VectorApi.enabled(vectorProperty)) {
            return ScalarConv2d.INSTANCE;
        }
        try {
            // By name, so that this class links without the incubator module.
            Class<?> vector = Class.forName("dev.nabla.runtime.kernels.VectorConv2d");
            return (Conv2dKernel) vector.getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarConv2d.INSTANCE;
        }
    }
}
