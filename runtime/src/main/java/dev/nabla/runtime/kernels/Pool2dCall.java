package dev.nabla.runtime.kernels;

/**
 * The arguments of one pooling call, in a mutable holder so that a call can be handed to helper threads without
 * allocating; each calling thread reuses its own instance. Validates a call before anything is written.
 */
final class Pool2dCall {
    int batch;
    int c;
    int h;
    int w;
    int kh;
    int kw;
    int oh;
    int ow;
    int sh;
    int sw;
    int ph;
    int pw;
    /** {@code h * w} and {@code oh * ow}: floats per plane (one image, one channel) of the input and the output. */
    int hw;
    int ohw;
    float[] x;
    float[] y;
    float[] g;
    float[] dx;
    float[] hx;
    float[] out;

    Pool2dCall geometry(int batch, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw, int ph,
                        int pw, boolean max) {
        this.batch = batch;
        this.c = c;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.oh = oh;
        this.ow = ow;
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        check(max);
        this.hw = h * w;
        this.ohw = oh * ow;
        return this;
    }

    /** Planes (image, channel) of the call. */
    int planes() {
        return batch * c;
    }

    /**
     * True for the common 2 x 2, stride 2, unpadded pooling whose windows all lie inside the input: the case with
     * dedicated loops.
     */
    boolean isPlain2x2() {
        return kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * oh <= h && 2 * ow <= w;
    }

    void clear() {
        x = null;
        y = null;
        g = null;
        dx = null;
        hx = null;
        out = null;
    }

    private void check(boolean max) {
        if (batch < 0) {
            throw new IllegalArgumentException("negative batch " + batch);
        }
        if (c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("pool2d sizes must be positive: c=" + c + " h=" + h + " w=" + w
                    + " kh=" + kh + " kw=" + kw + " oh=" + oh + " ow=" + ow);
        }
        if (sh < 1 || sw < 1) {
            throw new IllegalArgumentException("pool2d strides must be positive: sh=" + sh + " sw=" + sw);
        }
        if (ph < 0 || pw < 0) {
            throw new IllegalArgumentException("negative pool2d padding: ph=" + ph + " pw=" + pw);
        }
        long rows = Math.max(h, (long) oh * sh + kh);
        long cols = Math.max(w, (long) ow * sw + kw);
        if (rows * cols > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("pool2d geometry too large: h=" + h + " w=" + w + " oh=" + oh
                    + " ow=" + ow);
        }
        // A max over a window of padding only would be -infinity, and its gradient would have nowhere to go.
        if (max && (ph >= kh || pw >= kw || (long) (oh - 1) * sh - ph > h - 1 || (long) (ow - 1) * sw - pw > w - 1)) {
            throw new IllegalArgumentException("max pool2d window without input element: h=" + h + " w=" + w
                    + " kh=" + kh + " kw=" + kw + " oh=" + oh + " ow=" + ow + " sh=" + sh + " sw=" + sw + " ph="
                    + ph + " pw=" + pw);
        }
    }

    void checkInput(String what, float[] array) {
        Conv2dCall.checkLength(what, array, batch, c, hw);
    }

    void checkOutput(String what, float[] array) {
        Conv2dCall.checkLength(what, array, batch, c, ohw);
    }
}
