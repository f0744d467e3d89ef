package dev.nabla.runtime.kernels;

import java.util.Random;

/**
 * A random convolution (geometry and data) with naive double-precision references for the three kernels, and a
 * tolerance for float results: {@code |got - ref| <= TOL_PER_TERM * (terms + 2) * sum of |products|}, the error
 * bound of a float sum of that many terms with some slack.
 */
final class ConvCase {
    static final double TOL_PER_TERM = 2.0 * 0x1p-24;

    final int batch;
    final int c;
    final int h;
    final int w;
    final int o;
    final int kh;
    final int kw;
    final int oh;
    final int ow;
    final int sh;
    final int sw;
    final int ph;
    final int pw;
    final int dh;
    final int dw;
    final float[] x;
    final float[] weight;
    final float[] bias;
    final float[] g;

    ConvCase(int batch, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int sh, int sw, int ph, int pw,
             int dh, int dw, boolean withBias, long seed) {
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
        Random r = new Random(seed);
        x = random(r, batch * c * h * w);
        weight = random(r, o * c * kh * kw);
        bias = withBias ? random(r, o) : null;
        g = random(r, batch * o * oh * ow);
    }

    /**
     * A random geometry from {@code r}: output sizes from top/left padding plus a bottom/right padding of 0 to
     * kernel - 1 (so asymmetric), sometimes a kernel as large as the padded input or 1 x 1.
     */
    static ConvCase random(Random r, int maxBatch, int maxSize, boolean withBias) {
        int batch = 1 + r.nextInt(maxBatch);
        int c = 1 + r.nextInt(5);
        int o = 1 + r.nextInt(9);
        int kh = pick(r);
        int kw = pick(r);
        int dh = 1 + r.nextInt(2);
        int dw = 1 + r.nextInt(2);
        int sh = 1 + r.nextInt(3);
        int sw = 1 + r.nextInt(3);
        int ph = r.nextInt(kh);
        int pw = r.nextInt(kw);
        int pb = r.nextInt(kh);
        int pr = r.nextInt(kw);
        int spanH = dh * (kh - 1) + 1;
        int spanW = dw * (kw - 1) + 1;
        int h = Math.max(1, Math.max(spanH - ph - pb, r.nextInt(maxSize) + 1));
        int w = Math.max(1, Math.max(spanW - pw - pr, r.nextInt(maxSize) + 1));
        if (r.nextInt(8) == 0) { // kernel == padded input: one output row / column
            h = Math.max(1, spanH - ph - pb);
        }
        int oh = (h + ph + pb - spanH) / sh + 1;
        int ow = (w + pw + pr - spanW) / sw + 1;
        return new ConvCase(batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, withBias, r.nextLong());
    }

    private static int pick(Random r) {
        int[] sizes = {1, 1, 2, 3, 3, 4, 5};
        return sizes[r.nextInt(sizes.length)];
    }

    static float[] random(Random r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    int k() {
        return c * kh * kw;
    }

    private double xAt(int b, int cc, int iy, int ix) {
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
            return 0;
        }
        return x[((b * c + cc) * h + iy) * w + ix];
    }

    /** Reference forward output, and the sums of |terms| in {@code abs}. */
    double[] forward(boolean relu, double[] abs) {
        double[] y = new double[batch * o * oh * ow];
        for (int b = 0; b < batch; b++) {
            for (int oo = 0; oo < o; oo++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bias == null ? 0 : bias[oo];
                        double a = Math.abs(s);
                        for (int cc = 0; cc < c; cc++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    double t = weight[((oo * c + cc) * kh + i) * kw + j]
                                            * xAt(b, cc, oy * sh + i * dh - ph, ox * sw + j * dw - pw);
                                    s += t;
                                    a += Math.abs(t);
                                }
                            }
                        }
                        int at = ((b * o + oo) * oh + oy) * ow + ox;
                        y[at] = relu ? Math.max(s, 0) : s;
                        abs[at] = a;
                    }
                }
            }
        }
        return y;
    }

    double[] inputGrad(double[] abs) {
        double[] dx = new double[batch * c * h * w];
        for (int b = 0; b < batch; b++) {
            for (int oo = 0; oo < o; oo++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double gv = g[((b * o + oo) * oh + oy) * ow + ox];
                        for (int cc = 0; cc < c; cc++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = oy * sh + i * dh - ph;
                                    int ix = ox * sw + j * dw - pw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    double t = gv * weight[((oo * c + cc) * kh + i) * kw + j];
                                    int at = ((b * c + cc) * h + iy) * w + ix;
                                    dx[at] += t;
                                    abs[at] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** Reference filter gradient, followed by the bias gradient ({@code o*k + o} values). */
    double[] filterGrad(double[] abs) {
        int k = k();
        double[] dw = new double[o * k + o];
        for (int b = 0; b < batch; b++) {
            for (int oo = 0; oo < o; oo++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double gv = g[((b * o + oo) * oh + oy) * ow + ox];
                        dw[o * k + oo] += gv;
                        abs[o * k + oo] += Math.abs(gv);
                        for (int cc = 0; cc < c; cc++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    double t = gv * xAt(b, cc, oy * sh + i * this.dh - ph, ox * sw + j * this.dw - pw);
                                    int at = ((oo * c + cc) * kh + i) * kw + j;
                                    dw[at] += t;
                                    abs[at] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return dw;
    }

    /** The first element of {@code got} outside the tolerance of {@code ref}, or null. */
    static String mismatch(float[] got, int gotOff, double[] ref, int refOff, double[] abs, int len, int terms) {
        for (int e = 0; e < len; e++) {
            double want = ref[refOff + e];
            double err = Math.abs(got[gotOff + e] - want);
            double tol = TOL_PER_TERM * (terms + 2) * abs[refOff + e] + 1e-30;
            if (!(err <= tol)) {
                return "element " + e + ": got " + got[gotOff + e] + ", want " + want + " (tolerance " + tol + ")";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "batch=" + batch + " c=" + c + " h=" + h + " w=" + w + " o=" + o + " k=" + kh + "x" + kw + " out="
                + oh + "x" + ow + " stride=" + sh + "," + sw + " pad=" + ph + "," + pw + " dil=" + dh + "," + dw
                + (bias == null ? "" : " bias");
    }

    void forward(Conv2dKernel kernel, float[] y, int act) {
        Conv2d.forward(kernel, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, x, weight, bias, act, y);
    }

    void inputGrad(Conv2dKernel kernel, float[] dx) {
        Conv2d.inputGrad(kernel, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, g, weight, dx);
    }

    void filterGrad(Conv2dKernel kernel, float[] dweight, float[] dbias) {
        Conv2d.filterGrad(kernel, batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, x, g, dweight, dbias);
    }
}
