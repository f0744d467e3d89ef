package dev.nabla.runtime.kernels;

/**
 * The arguments of one convolution call (geometry and arrays), in a mutable holder so that a call can be handed to
 * helper threads without allocating; each calling thread reuses its own instance. Also derives the sizes the
 * kernels use and validates a call before anything is written.
 */
final class Conv2dCall {
    int batch;
    int c;
    int h;
    int w;
    int o;
    int kh;
    int kw;
    int oh;
    int ow;
    int sh;
    int sw;
    int ph;
    int pw;
    int dh;
    int dw;
    /** {@code c * kh * kw}: the rows of an image's column matrix (the depth of the products). */
    int k;
    /** {@code oh * ow}: output positions per image and channel. */
    int p;
    /** {@code h * w}: input positions per image and channel. */
    int hw;
    boolean relu;
    float[] x;
    float[] weight;
    float[] bias;
    float[] y;
    float[] g;
    float[] dx;
    float[] dweight;
    float[] dbias;
    /** Weights rearranged by the family's {@link Conv2dKernel#prepare} for the products of this call, or null. */
    float[] packedA;
    float[] packedB;

    Conv2dCall geometry(int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int sh, int sw,
                        int ph, int pw, int dh, int dw) {
        this.batch = batch;
        this.c = c;
        this.h = h;
        this.w = w;
        this.o = o;
        this.kh = kh;
        this.kw = kw;
        this.oh = oh;
        this.ow = ow;
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        this.dh = dh;
        this.dw = dw;
        checkGeometry();
        this.k = c * kh * kw;
        this.p = oh * ow;
        this.hw = h * w;
        return this;
    }

    /** Multiply-adds of one product over the batch ({@code batch * o * k * p}), the measure of a call's work. */
    long fmas() {
        return (long) batch * o * k * p;
    }

    /** Drops the array references so a finished call does not keep a model's buffers reachable. */
    void clear() {
        x = null;
        weight = null;
        bias = null;
        y = null;
        g = null;
        dx = null;
        dweight = null;
        dbias = null;
        packedA = null;
        packedB = null;
    }

    private void checkGeometry() {
        if (batch < 0) {
            throw new IllegalArgumentException("negative batch " + batch);
        }
        if (c < 1 || h < 1 || w < 1 || o < 1 || kh < 1 || kw < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d sizes must be positive: c=" + c + " h=" + h + " w=" + w
                    + " o=" + o + " kh=" + kh + " kw=" + kw + " oh=" + oh + " ow=" + ow);
        }
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1) {
            throw new IllegalArgumentException("conv2d strides and dilations must be positive: sh=" + sh + " sw="
                    + sw + " dh=" + dh + " dw=" + dw);
        }
        if (ph < 0 || pw < 0) {
            throw new IllegalArgumentException("negative conv2d padding: ph=" + ph + " pw=" + pw);
        }
        // Every index the kernels compute must fit an int: the largest is about max(h, oh*sh + kh*dh) * w.
        long rows = Math.max(h, (long) oh * sh + (long) kh * dh);
        long cols = Math.max(w, (long) ow * sw + (long) kw * dw);
        if ((long) c * kh * kw > Integer.MAX_VALUE / 4 || (long) oh * ow > Integer.MAX_VALUE / 4
                || rows * cols > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("conv2d geometry too large: c=" + c + " h=" + h + " w=" + w
                    + " kh=" + kh + " kw=" + kw + " oh=" + oh + " ow=" + ow);
        }
    }

    /** Checks that {@code array} holds at least {@code count * a * b} floats. */
    static void checkLength(String what, float[] array, long count, long a, long b) {
        if (array == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        long need = count * a * b;
        if (array.length < need) {
            throw new IndexOutOfBoundsException(what + " needs " + need + " floats (" + count + " x " + a + " x " + b
                    + "), the array has " + array.length);
        }
    }

    void checkX() {
        checkLength("x", x, batch, c, hw);
    }

    void checkWeight(String what, float[] array) {
        checkLength(what, array, o, c, (long) kh * kw);
    }

    void checkOutput(String what, float[] array) {
        checkLength(what, array, batch, o, p);
    }

    void checkBias(String what, float[] array) {
        if (array != null) {
            checkLength(what, array, 1, 1, o);
        }
    }
}
