package dev.nabla.runtime.kernels;

import java.util.Arrays;

/**
 * Plain-Java convolution: the fallback without the Vector API. Each image is lowered to matrix products over blocks
 * of {@link #BLOCK} output positions: its column matrix ({@code col[k][p]}, k = (c, i, j), "im2col") is built for
 * the block into separate per-thread rows, because C2 only vectorizes a loop over arrays it can tell apart (rows
 * indexed from 0, see {@link ScalarGemm}). Then
 * <ul>
 *   <li>forward: each output row is {@code bias + sum_k w[o,k] * col[k]}, axpys over positions, four output rows
 *       per pass over a column row;</li>
 *   <li>input gradient: each row {@code dcol[k] = sum_o w[o,k] * g[o]} (four rows per pass over a g row) is added
 *       back into dx at the input positions it was read from ("col2im");</li>
 *   <li>filter gradient: {@code dw[o][:] += g[o][p] * colT[p][:]}, axpys over k on the transposed column matrix, or
 *       for fewer than {@link #AXPY_MIN_K} taps dot products {@code g[o] . col[k]} with four partial sums.</li>
 * </ul>
 * Sums run in a fixed order (k, then blocks, then images), so results depend on nothing but the arguments.
 * The geometry helpers ({@link #colRow}, {@link #colAdd}) also serve the Vector API family's general case.
 */
final class ScalarConv2d implements Conv2dKernel {

    static final ScalarConv2d INSTANCE = new ScalarConv2d();
    /** Output positions per block: bounds the column rows (k x BLOCK floats) for large images. */
    static final int BLOCK = 256;

    private ScalarConv2d() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    /** Nothing to prepare: the plain loops read the weights as they are. */
    @Override
    public void prepare(Conv2dCall call, int op) {
    }

    @Override
    public void forward(Conv2dCall q, int b0, int b1) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int bw = Math.min(BLOCK, p);
        float[][] rows = Scratch.current().convRows(k + 4, bw);
        float[] weight = q.weight;
        for (int b = b0; b < b1; b++) {
            for (int p0 = 0; p0 < p; p0 += bw) {
                int n = Math.min(bw, p - p0);
                columns(q, b, p0, n, rows);
                int oo = 0;
                for (; oo + 4 <= o; oo += 4) {
                    for (int r = 0; r < 4; r++) {
                        Arrays.fill(rows[k + r], 0, n, q.bias == null ? 0f : q.bias[oo + r]);
                    }
                    for (int kk = 0; kk < k; kk++) {
                        int w0 = oo * k + kk;
                        axpy4(weight[w0], weight[w0 + k], weight[w0 + 2 * k], weight[w0 + 3 * k], rows[kk],
                                rows[k], rows[k + 1], rows[k + 2], rows[k + 3], n);
                    }
                    for (int r = 0; r < 4; r++) {
                        store(q, rows[k + r], (b * o + oo + r) * p + p0, n);
                    }
                }
                for (; oo < o; oo++) {
                    float[] out = rows[k];
                    Arrays.fill(out, 0, n, q.bias == null ? 0f : q.bias[oo]);
                    for (int kk = 0; kk < k; kk++) {
                        axpy(weight[oo * k + kk], rows[kk], out, n);
                    }
                    store(q, out, (b * o + oo) * p + p0, n);
                }
            }
        }
    }

    /** An output row of the forward pass into y, through ReLU if asked. */
    private static void store(Conv2dCall q, float[] out, int to, int n) {
        if (q.relu) {
            for (int t = 0; t < n; t++) {
                q.y[to + t] = Math.max(out[t], 0f);
            }
        } else {
            System.arraycopy(out, 0, q.y, to, n);
        }
    }

    @Override
    public void inputGrad(Conv2dCall q, int b0, int b1) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int bw = Math.min(BLOCK, p);
        float[][] rows = Scratch.current().convRows(o + 4, bw);
        float[] weight = q.weight;
        for (int b = b0; b < b1; b++) {
            int xImg = b * q.c * q.hw;
            Arrays.fill(q.dx, xImg, xImg + q.c * q.hw, 0f);
            for (int p0 = 0; p0 < p; p0 += bw) {
                int n = Math.min(bw, p - p0);
                for (int oo = 0; oo < o; oo++) {
                    System.arraycopy(q.g, (b * o + oo) * p + p0, rows[oo], 0, n);
                }
                int kk = 0;
                for (; kk + 4 <= k; kk += 4) {
                    for (int r = 0; r < 4; r++) {
                        Arrays.fill(rows[o + r], 0, n, 0f);
                    }
                    for (int oo = 0; oo < o; oo++) {
                        int w0 = oo * k + kk;
                        axpy4(weight[w0], weight[w0 + 1], weight[w0 + 2], weight[w0 + 3], rows[oo],
                                rows[o], rows[o + 1], rows[o + 2], rows[o + 3], n);
                    }
                    for (int r = 0; r < 4; r++) {
                        scatter(q, rows[o + r], kk + r, p0, n, xImg);
                    }
                }
                for (; kk < k; kk++) {
                    float[] dcol = rows[o];
                    Arrays.fill(dcol, 0, n, 0f);
                    for (int oo = 0; oo < o; oo++) {
                        axpy(weight[oo * k + kk], rows[oo], dcol, n);
                    }
                    scatter(q, dcol, kk, p0, n, xImg);
                }
            }
        }
    }

    /** Adds row {@code kk} of dcol (positions {@code p0 .. p0+n}) back into the image's dx. */
    private static void scatter(Conv2dCall q, float[] dcol, int kk, int p0, int n, int xImg) {
        int taps = q.kh * q.kw;
        int cc = kk / taps;
        int tap = kk - cc * taps;
        colAdd(q, dcol, 0, tap / q.kw, tap % q.kw, p0, n, q.dx, xImg + cc * q.hw);
    }

    /**
     * With at least {@link #AXPY_MIN_K} taps the filter gradient is computed as axpys over k,
     * {@code dw[o][:] += g[o][p] * colT[p][:]}, on the transposed column matrix (rows of k, which C2 vectorizes);
     * with fewer, an axpy would be too short for the vectorized loop and each {@code dw[o][k]} is a dot product over
     * the positions instead. Either way every sum runs over images, then positions, in order.
     */
    @Override
    public void filterGrad(Conv2dCall q, int b0, int b1, float[] out, int off) {
        if (q.k >= AXPY_MIN_K) {
            filterGradAxpy(q, b0, b1, out, off);
            return;
        }
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int ok = o * k;
        int bw = Math.min(BLOCK, p);
        float[][] rows = Scratch.current().convRows(k + o, bw);
        Arrays.fill(out, off, off + ok + (q.dbias != null ? o : 0), 0f);
        for (int b = b0; b < b1; b++) {
            for (int p0 = 0; p0 < p; p0 += bw) {
                int n = Math.min(bw, p - p0);
                columns(q, b, p0, n, rows);
                for (int oo = 0; oo < o; oo++) {
                    float[] gRow = rows[k + oo];
                    System.arraycopy(q.g, (b * o + oo) * p + p0, gRow, 0, n);
                    for (int kk = 0; kk < k; kk++) {
                        out[off + oo * k + kk] += dot(gRow, rows[kk], n);
                    }
                    if (q.dbias != null) {
                        out[off + ok + oo] += sum(gRow, n);
                    }
                }
            }
        }
    }

    /** Taps from which the filter gradient takes axpys over k rather than dot products over positions. */
    static final int AXPY_MIN_K = 64;

    private static void filterGradAxpy(Conv2dCall q, int b0, int b1, float[] out, int off) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int ok = o * k;
        int bw = Math.min(BLOCK, p);
        // Rows: bw of colT (k floats each), o of dw (k floats), one of positions (bw floats).
        float[][] rows = Scratch.current().convRows(bw + o + 1, Math.max(k, bw));
        float[] tmp = rows[bw + o];
        for (int oo = 0; oo < o; oo++) {
            Arrays.fill(rows[bw + oo], 0, k, 0f);
        }
        if (q.dbias != null) {
            Arrays.fill(out, off + ok, off + ok + o, 0f);
        }
        int taps = q.kh * q.kw;
        for (int b = b0; b < b1; b++) {
            int xImg = b * q.c * q.hw;
            for (int p0 = 0; p0 < p; p0 += bw) {
                int n = Math.min(bw, p - p0);
                for (int kk = 0; kk < k; kk++) {
                    int cc = kk / taps;
                    int tap = kk - cc * taps;
                    colRow(q, q.x, xImg + cc * q.hw, tap / q.kw, tap % q.kw, p0, n, tmp, 0);
                    for (int t = 0; t < n; t++) {
                        rows[t][kk] = tmp[t];
                    }
                }
                for (int oo = 0; oo < o; oo++) {
                    float[] dw = rows[bw + oo];
                    int gRow = (b * o + oo) * p + p0;
                    for (int t = 0; t < n; t++) {
                        axpy(q.g[gRow + t], rows[t], dw, k);
                    }
                    if (q.dbias != null) {
                        float sb = out[off + ok + oo];
                        for (int t = 0; t < n; t++) {
                            sb += q.g[gRow + t];
                        }
                        out[off + ok + oo] = sb;
                    }
                }
            }
        }
        for (int oo = 0; oo < o; oo++) {
            System.arraycopy(rows[bw + oo], 0, out, off + oo * k, k);
        }
    }

    @Override
    public void sumPartials(float[] part, int off, int stride, int count, float[] dst, int len) {
        System.arraycopy(part, off, dst, 0, len);
        for (int q = 1; q < count; q++) {
            int from = off + q * stride;
            for (int e = 0; e < len; e++) {
                dst[e] += part[from + e];
            }
        }
    }

    /** Rows {@code col[k][p0 .. p0+n)} of image {@code b} into {@code rows[k][0 .. n)}. */
    private static void columns(Conv2dCall q, int b, int p0, int n, float[][] rows) {
        int xImg = b * q.c * q.hw;
        int kk = 0;
        for (int cc = 0; cc < q.c; cc++) {
            for (int i = 0; i < q.kh; i++) {
                for (int j = 0; j < q.kw; j++) {
                    colRow(q, q.x, xImg + cc * q.hw, i, j, p0, n, rows[kk++], 0);
                }
            }
        }
    }

    /**
     * {@code r_i[t] += a_i * src[t]} for four rows: one pass over src for four multiply-adds (the rows of the small
     * layers are 64 to 576 floats, so a single axpy spent as much time entering and leaving its loop as in it).
     * Arrays from 0, so that C2 vectorizes it.
     */
    private static void axpy4(float a0, float a1, float a2, float a3, float[] src, float[] r0, float[] r1, float[] r2,
                              float[] r3, int n) {
        for (int t = 0; t < n; t++) {
            float v = src[t];
            r0[t] += a0 * v;
            r1[t] += a1 * v;
            r2[t] += a2 * v;
            r3[t] += a3 * v;
        }
    }

    /** {@code row[t] += a * src[t]}; both arrays from 0, so that C2 vectorizes it (see {@link ScalarGemm}). */
    private static void axpy(float a, float[] src, float[] row, int n) {
        for (int t = 0; t < n; t++) {
            row[t] += a * src[t];
        }
    }

    /** A dot product in four interleaved partial sums (a fixed order, four times the throughput of one sum). */
    private static float dot(float[] a, float[] b, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            s0 += a[t] * b[t];
            s1 += a[t + 1] * b[t + 1];
            s2 += a[t + 2] * b[t + 2];
            s3 += a[t + 3] * b[t + 3];
        }
        for (; t < n; t++) {
            s0 += a[t] * b[t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float sum(float[] a, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            s0 += a[t];
            s1 += a[t + 1];
            s2 += a[t + 2];
            s3 += a[t + 3];
        }
        for (; t < n; t++) {
            s0 += a[t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Writes {@code col[(c,i,j)][p0 .. p0+n)} to {@code dst[d .. d+n)}: the input values that kernel tap
     * {@code (i, j)} of channel c (starting at {@code x[xc]}) meets at output positions {@code p0 .. p0+n}, zero
     * where the tap falls outside the input. The positions are walked by output rows; with stride 1 each row is one
     * copy between two zero runs (left and right padding).
     */
    static void colRow(Conv2dCall q, float[] x, int xc, int i, int j, int p0, int n, float[] dst, int d) {
        int ow = q.ow;
        int oy = p0 / ow;
        int ox = p0 - oy * ow;
        int end = d + n;
        int iOff = i * q.dh - q.ph;
        int jOff = j * q.dw - q.pw;
        while (d < end) {
            int len = Math.min(ow - ox, end - d);
            int iy = oy * q.sh + iOff;
            if (iy < 0 || iy >= q.h) {
                Arrays.fill(dst, d, d + len, 0f);
            } else {
                int row = xc + iy * q.w;
                int ix0 = ox * q.sw + jOff;
                if (q.sw == 1) {
                    int lo = clamp(-ix0, 0, len);
                    int hi = clamp(q.w - ix0, lo, len);
                    Arrays.fill(dst, d, d + lo, 0f);
                    if (hi > lo) {
                        System.arraycopy(x, row + ix0 + lo, dst, d + lo, hi - lo);
                    }
                    Arrays.fill(dst, d + hi, d + len, 0f);
                } else {
                    for (int t = 0; t < len; t++) {
                        int ix = ix0 + t * q.sw;
                        dst[d + t] = ix >= 0 && ix < q.w ? x[row + ix] : 0f;
                    }
                }
            }
            d += len;
            oy++;
            ox = 0;
        }
    }

    /**
     * The adjoint of {@link #colRow}: adds {@code src[s .. s+n)} (a row of {@code dcol} at positions
     * {@code p0 .. p0+n}) into channel c of dx (starting at {@code dx[xc]}) where tap {@code (i, j)} read the input;
     * values for taps outside the input are dropped.
     */
    static void colAdd(Conv2dCall q, float[] src, int s, int i, int j, int p0, int n, float[] dx, int xc) {
        int ow = q.ow;
        int oy = p0 / ow;
        int ox = p0 - oy * ow;
        int end = s + n;
        int iOff = i * q.dh - q.ph;
        int jOff = j * q.dw - q.pw;
        while (s < end) {
            int len = Math.min(ow - ox, end - s);
            int iy = oy * q.sh + iOff;
            if (iy >= 0 && iy < q.h) {
                int row = xc + iy * q.w;
                int ix0 = ox * q.sw + jOff;
                if (q.sw == 1) {
                    int lo = clamp(-ix0, 0, len);
                    int hi = clamp(q.w - ix0, lo, len);
                    int to = row + ix0;
                    for (int t = lo; t < hi; t++) {
                        dx[to + t] += src[s + t];
                    }
                } else {
                    for (int t = 0; t < len; t++) {
                        int ix = ix0 + t * q.sw;
                        if (ix >= 0 && ix < q.w) {
                            dx[row + ix] += src[s + t];
                        }
                    }
                }
            }
            s += len;
            oy++;
            ox = 0;
        }
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(v, hi));
    }
}
