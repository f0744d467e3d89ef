package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;

/**
 * Convolutions and pooling over NCHW tensors as the plain loops of their definitions. Every op here reads
 * the input position of window tap (i, j) of output (oy, ox) the same way, {@link #row}/{@link #col}, so the
 * forward ops and their adjoints agree on the geometry by construction; a tap outside the input is padding
 * (0 for convolution, never the maximum, counted by the average).
 */
final class Windows {

    private Windows() {
    }

    /** Input row of tap i of output row oy, possibly outside [0, H) (padding). */
    private static int row(Attr.Window w, int oy, int i) {
        return oy * w.sh() + i * w.dh() - w.padTop();
    }

    private static int col(Attr.Window w, int ox, int j) {
        return ox * w.sw() + j * w.dw() - w.padLeft();
    }

    private static boolean inside(Attr.Window w, int y, int x) {
        return y >= 0 && y < w.inH() && x >= 0 && x < w.inW();
    }

    /** Flat index of [a, b, y, x] in a tensor [*, bs, ys, xs]. */
    private static int at(int a, int b, int y, int x, int bs, int ys, int xs) {
        return ((a * bs + b) * ys + y) * xs + x;
    }

    /** y[n,o,oy,ox] = sum over c, i, j of w[o,c,i,j] * x[n,c,row,col]. */
    static Tensor conv2d(Tensor x, Tensor k, Attr.Window w, int[] out) {
        int n = out[0], o = out[1], oh = out[2], ow = out[3], c = x.dim(1);
        int kh = w.kh(), kw = w.kw(), inH = w.inH(), inW = w.inW();
        double[] xs = x.raw(), ks = k.raw(), r = new double[Tensor.size(out)];
        // Each output element adds its terms in the order of the definition (channel, kernel row, kernel column),
        // those outside the input skipped, from 0: the same additions, so the same doubles, as summing in a local.
        // Kept in r instead, the innermost loop runs along an output row, one multiply-add each: the finite-difference
        // checks of the convolutional samples run this forward pass hundreds of times, and the loop over a kernel row
        // of three terms, with its index arithmetic, took three quarters of their time.
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                int plane = at(b, f, 0, 0, o, oh, ow);
                for (int ch = 0; ch < c; ch++) {
                    int xPlane = at(b, ch, 0, 0, c, inH, inW);
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            double kv = ks[at(f, ch, i, j, c, kh, kw)];
                            // the output columns whose input column is inside: 0 <= ox * sw + j * dw - padLeft < inW
                            int shift = j * w.dw() - w.padLeft();
                            int first = Math.max(0, ceilDiv(-shift, w.sw()));
                            int last = Math.min(ow, ceilDiv(inW - shift, w.sw()));
                            for (int oy = 0; oy < oh; oy++) {
                                int y = row(w, oy, i);
                                if (y < 0 || y >= inH) {
                                    continue;
                                }
                                int xRow = xPlane + y * inW + shift;
                                int rRow = plane + oy * ow;
                                for (int ox = first; ox < last; ox++) {
                                    r[rRow + ox] += kv * xs[xRow + ox * w.sw()];
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** {@code ceil(a / b)} for {@code b > 0}. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** dx[n,c,row,col] += g[n,o,oy,ox] * w[o,c,i,j]: the adjoint of {@link #conv2d} in x. */
    static Tensor conv2dBackwardInput(Tensor g, Tensor k, Attr.Window w, int[] out) {
        int n = g.dim(0), o = g.dim(1), oh = g.dim(2), ow = g.dim(3), c = out[1];
        double[] gs = g.raw(), ks = k.raw(), r = new double[Tensor.size(out)];
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double gv = gs[at(b, f, oy, ox, o, oh, ow)];
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < w.kh(); i++) {
                                for (int j = 0; j < w.kw(); j++) {
                                    int y = row(w, oy, i), xx = col(w, ox, j);
                                    if (inside(w, y, xx)) {
                                        r[at(b, ch, y, xx, c, w.inH(), w.inW())] += gv * ks[at(f, ch, i, j, c, w.kh(), w.kw())];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** dw[o,c,i,j] = sum over n, oy, ox of g[n,o,oy,ox] * x[n,c,row,col]: the adjoint of {@link #conv2d} in w. */
    static Tensor conv2dBackwardFilter(Tensor x, Tensor g, Attr.Window w, int[] out) {
        int n = g.dim(0), o = g.dim(1), oh = g.dim(2), ow = g.dim(3), c = x.dim(1);
        double[] xs = x.raw(), gs = g.raw(), r = new double[Tensor.size(out)];
        for (int f = 0; f < o; f++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < w.kh(); i++) {
                    for (int j = 0; j < w.kw(); j++) {
                        double s = 0;
                        for (int b = 0; b < n; b++) {
                            for (int oy = 0; oy < oh; oy++) {
                                for (int ox = 0; ox < ow; ox++) {
                                    int y = row(w, oy, i), xx = col(w, ox, j);
                                    if (inside(w, y, xx)) {
                                        s += gs[at(b, f, oy, ox, o, oh, ow)] * xs[at(b, ch, y, xx, c, w.inH(), w.inW())];
                                    }
                                }
                            }
                        }
                        r[at(f, ch, i, j, c, w.kh(), w.kw())] = s;
                    }
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /**
     * For every window of x, the flat index in x of its first maximum in row-major order of the window (a later
     * tap wins only when strictly greater, as in PyTorch); padding taps are skipped. The pooling shape rule
     * keeps padding at most half the window, so every window has a real tap.
     */
    private static int[] argmax(Tensor x, Attr.Window w) {
        int n = x.dim(0), c = x.dim(1), oh = w.outH(), ow = w.outW();
        double[] xs = x.raw();
        int[] best = new int[n * c * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int arg = -1;
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int y = row(w, oy, i), xx = col(w, ox, j);
                                int p = at(b, ch, y, xx, c, w.inH(), w.inW());
                                if (inside(w, y, xx) && (arg < 0 || xs[p] > xs[arg])) {
                                    arg = p;
                                }
                            }
                        }
                        best[at(b, ch, oy, ox, c, oh, ow)] = arg;
                    }
                }
            }
        }
        return best;
    }

    /**
     * Whether some window of {@code x} holds, besides its maximum, a value that differs from it by at most
     * {@code relative} times the larger magnitude of the two: a near-tie that float32 arithmetic, summing in another
     * order, may resolve the other way. Equal values are not near-ties (both orders agree on the first).
     */
    static boolean hasNearTie(Tensor x, Attr.Window w, double relative) {
        int n = x.dim(0), c = x.dim(1), oh = w.outH(), ow = w.outW();
        double[] xs = x.raw();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double first = Double.NEGATIVE_INFINITY;
                        double second = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int y = row(w, oy, i), xx = col(w, ox, j);
                                if (!inside(w, y, xx)) {
                                    continue;
                                }
                                double e = xs[at(b, ch, y, xx, c, w.inH(), w.inW())];
                                if (e > first) {
                                    second = first;
                                    first = e;
                                } else if (e > second && e < first) {
                                    second = e;
                                }
                            }
                        }
                        if (second > Double.NEGATIVE_INFINITY
                                && first - second <= relative * Math.max(Math.abs(first), Math.abs(second))) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    static Tensor maxPool(Tensor x, Attr.Window w, int[] out) {
        int[] arg = argmax(x, w);
        double[] r = new double[arg.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = x.raw()[arg[k]];
        }
        return Tensor.wrap(out, r);
    }

    /** Each g to its window's first maximum; overlapping windows accumulate. */
    static Tensor maxPoolBackward(Tensor x, Tensor g, Attr.Window w, int[] out) {
        int[] arg = argmax(x, w);
        double[] r = new double[Tensor.size(out)];
        for (int k = 0; k < arg.length; k++) {
            r[arg[k]] += g.raw()[k];
        }
        return Tensor.wrap(out, r);
    }

    /** h at each window's first maximum of x: the adjoint of {@link #maxPoolBackward} in g. */
    static Tensor maxPoolGather(Tensor x, Tensor h, Attr.Window w, int[] out) {
        int[] arg = argmax(x, w);
        double[] r = new double[arg.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = h.raw()[arg[k]];
        }
        return Tensor.wrap(out, r);
    }

    /** The sum of each window's real taps divided by kh*kw: padding counts as zeros (count_include_pad). */
    static Tensor avgPool(Tensor x, Attr.Window w, int[] out) {
        int n = out[0], c = out[1], oh = out[2], ow = out[3];
        double area = w.kh() * w.kw();
        double[] xs = x.raw(), r = new double[Tensor.size(out)];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = 0;
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int y = row(w, oy, i), xx = col(w, ox, j);
                                if (inside(w, y, xx)) {
                                    s += xs[at(b, ch, y, xx, c, w.inH(), w.inW())];
                                }
                            }
                        }
                        r[at(b, ch, oy, ox, c, oh, ow)] = s / area;
                    }
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** Each g / (kh*kw) to its window's real taps: the adjoint of {@link #avgPool}. */
    static Tensor avgPoolBackward(Tensor g, Attr.Window w, int[] out) {
        int n = g.dim(0), c = g.dim(1), oh = g.dim(2), ow = g.dim(3);
        double area = w.kh() * w.kw();
        double[] gs = g.raw(), r = new double[Tensor.size(out)];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double share = gs[at(b, ch, oy, ox, c, oh, ow)] / area;
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int y = row(w, oy, i), xx = col(w, ox, j);
                                if (inside(w, y, xx)) {
                                    r[at(b, ch, y, xx, c, w.inH(), w.inW())] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.wrap(out, r);
    }
}
