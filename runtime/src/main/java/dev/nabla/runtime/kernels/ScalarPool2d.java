package dev.nabla.runtime.kernels;

import java.util.Arrays;

/**
 * Plain-Java pooling: every window shape, plane by plane, each window clipped to the input once (padding never
 * takes part). The 2 x 2, stride 2 max pooling of small convolutional networks has its own loops without the
 * clipping. The Vector API family ({@link VectorPool2d}) uses these loops for everything but that case.
 *
 * <p>A window's maximum is found with {@link #wins}: the first largest element in row-major order, NaN counting as
 * largest and the first NaN winning.
 */
final class ScalarPool2d implements Pool2dKernel {

    static final ScalarPool2d INSTANCE = new ScalarPool2d();

    private ScalarPool2d() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    /**
     * Whether {@code v}, met after {@code best} in the window, takes its place: when it is larger or NaN, unless the
     * best so far is already NaN. ({@code !(v <= best)} is true for a larger v and for a NaN v.)
     */
    static boolean wins(float v, float best) {
        return best == best && !(v <= best);
    }

    @Override
    public void maxForward(Pool2dCall q, int plane0, int plane1) {
        if (q.isPlain2x2()) {
            for (int pl = plane0; pl < plane1; pl++) {
                max2x2(q, pl, 0);
            }
            return;
        }
        for (int pl = plane0; pl < plane1; pl++) {
            int xb = pl * q.hw;
            int yb = pl * q.ohw;
            for (int oy = 0; oy < q.oh; oy++) {
                int iy0 = oy * q.sh - q.ph;
                int ya = Math.max(0, iy0);
                int ye = Math.min(q.h, iy0 + q.kh);
                for (int ox = 0; ox < q.ow; ox++) {
                    int ix0 = ox * q.sw - q.pw;
                    int xa = Math.max(0, ix0);
                    int xe = Math.min(q.w, ix0 + q.kw);
                    q.y[yb + oy * q.ow + ox] = q.x[argmax(q.x, xb, q.w, ya, ye, xa, xe)];
                }
            }
        }
    }

    @Override
    public void maxBackward(Pool2dCall q, int plane0, int plane1) {
        if (q.isPlain2x2()) {
            for (int pl = plane0; pl < plane1; pl++) {
                max2x2(q, pl, 1);
            }
            return;
        }
        for (int pl = plane0; pl < plane1; pl++) {
            int xb = pl * q.hw;
            int yb = pl * q.ohw;
            Arrays.fill(q.dx, xb, xb + q.hw, 0f);
            for (int oy = 0; oy < q.oh; oy++) {
                int iy0 = oy * q.sh - q.ph;
                int ya = Math.max(0, iy0);
                int ye = Math.min(q.h, iy0 + q.kh);
                for (int ox = 0; ox < q.ow; ox++) {
                    int ix0 = ox * q.sw - q.pw;
                    int xa = Math.max(0, ix0);
                    int xe = Math.min(q.w, ix0 + q.kw);
                    q.dx[argmax(q.x, xb, q.w, ya, ye, xa, xe)] += q.g[yb + oy * q.ow + ox];
                }
            }
        }
    }

    @Override
    public void maxGather(Pool2dCall q, int plane0, int plane1) {
        if (q.isPlain2x2()) {
            for (int pl = plane0; pl < plane1; pl++) {
                max2x2(q, pl, 2);
            }
            return;
        }
        for (int pl = plane0; pl < plane1; pl++) {
            int xb = pl * q.hw;
            int yb = pl * q.ohw;
            for (int oy = 0; oy < q.oh; oy++) {
                int iy0 = oy * q.sh - q.ph;
                int ya = Math.max(0, iy0);
                int ye = Math.min(q.h, iy0 + q.kh);
                for (int ox = 0; ox < q.ow; ox++) {
                    int ix0 = ox * q.sw - q.pw;
                    int xa = Math.max(0, ix0);
                    int xe = Math.min(q.w, ix0 + q.kw);
                    q.out[yb + oy * q.ow + ox] = q.hx[argmax(q.x, xb, q.w, ya, ye, xa, xe)];
                }
            }
        }
    }

    /** The index of the window's maximum (see {@link #wins}) over rows {@code [ya, ye)}, columns {@code [xa, xe)}. */
    private static int argmax(float[] x, int xb, int w, int ya, int ye, int xa, int xe) {
        int best = xb + ya * w + xa;
        float bv = x[best];
        for (int iy = ya; iy < ye; iy++) {
            int row = xb + iy * w;
            for (int ix = xa; ix < xe; ix++) {
                float v = x[row + ix];
                if (wins(v, bv)) {
                    bv = v;
                    best = row + ix;
                }
            }
        }
        return best;
    }

    /**
     * One plane of 2 x 2, stride 2 max pooling, windows inside the input: {@code op} 0 forward, 1 backward (each
     * window writes its four dx, g at the maximum and zeros elsewhere; positions in no window are zeroed first),
     * 2 gather.
     */
    static void max2x2(Pool2dCall q, int pl, int op) {
        int w = q.w;
        int xb = pl * q.hw;
        int yb = pl * q.ohw;
        if (op == 1 && (2 * q.oh < q.h || 2 * q.ow < w)) {
            Arrays.fill(q.dx, xb, xb + q.hw, 0f);
        }
        for (int oy = 0; oy < q.oh; oy++) {
            max2x2Row(q, op, xb + 2 * oy * w, yb + oy * q.ow, 0, q.ow);
        }
    }

    /**
     * Outputs {@code [ox0, ox1)} of one output row of {@link #max2x2}; input row pair at {@code r0}, output row at
     * {@code yr}. Without branches on the data: which of the four is the maximum is as good as random, and a
     * mispredicted branch per comparison made this loop five times slower. The maximum m is the NaN-propagating
     * {@code Math.max} of the four; the first element equal to it (or, when it is NaN, the first NaN) is the one
     * {@link #wins} picks, ties and signed zeros included, and the output is that element (not m, which may be +0
     * where the first zero is -0).
     */
    static void max2x2Row(Pool2dCall q, int op, int r0, int yr, int ox0, int ox1) {
        float[] x = q.x;
        int r1 = r0 + q.w;
        for (int ox = ox0; ox < ox1; ox++) {
            int i0 = r0 + 2 * ox;
            int i1 = r1 + 2 * ox;
            float a = x[i0];
            float b = x[i0 + 1];
            float c = x[i1];
            float d = x[i1 + 1];
            float m = Math.max(Math.max(a, b), Math.max(c, d));
            // 1 - "is the maximum" for a, b, c (equal to it, or NaN: m is NaN exactly when one of them is); the
            // first one that is: 0 for a, else 1 + (0 for b, else 1 + (0 for c, else 1)).
            int na = (a == m) | (a != a) ? 0 : 1;
            int nb = (b == m) | (b != b) ? 0 : 1;
            int nc = (c == m) | (c != c) ? 0 : 1;
            int at = na * (1 + nb * (1 + nc));
            int src = (at < 2 ? i0 : i1 - 2) + at;
            if (op == 0) {
                q.y[yr + ox] = x[src];
            } else if (op == 1) {
                int gBits = Float.floatToRawIntBits(q.g[yr + ox]);
                q.dx[i0] = Float.intBitsToFloat(gBits & -(at == 0 ? 1 : 0));
                q.dx[i0 + 1] = Float.intBitsToFloat(gBits & -(at == 1 ? 1 : 0));
                q.dx[i1] = Float.intBitsToFloat(gBits & -(at == 2 ? 1 : 0));
                q.dx[i1 + 1] = Float.intBitsToFloat(gBits & -(at == 3 ? 1 : 0));
            } else {
                q.out[yr + ox] = q.hx[src];
            }
        }
    }

    @Override
    public void avgForward(Pool2dCall q, int plane0, int plane1) {
        float div = q.kh * q.kw;
        for (int pl = plane0; pl < plane1; pl++) {
            int xb = pl * q.hw;
            int yb = pl * q.ohw;
            for (int oy = 0; oy < q.oh; oy++) {
                int iy0 = oy * q.sh - q.ph;
                int ya = Math.max(0, iy0);
                int ye = Math.min(q.h, iy0 + q.kh);
                for (int ox = 0; ox < q.ow; ox++) {
                    int ix0 = ox * q.sw - q.pw;
                    int xa = Math.max(0, ix0);
                    int xe = Math.min(q.w, ix0 + q.kw);
                    float s = 0f;
                    for (int iy = ya; iy < ye; iy++) {
                        int row = xb + iy * q.w;
                        for (int ix = xa; ix < xe; ix++) {
                            s += q.x[row + ix];
                        }
                    }
                    q.y[yb + oy * q.ow + ox] = s / div;
                }
            }
        }
    }

    @Override
    public void avgBackward(Pool2dCall q, int plane0, int plane1) {
        float div = q.kh * q.kw;
        for (int pl = plane0; pl < plane1; pl++) {
            int xb = pl * q.hw;
            int yb = pl * q.ohw;
            Arrays.fill(q.dx, xb, xb + q.hw, 0f);
            for (int oy = 0; oy < q.oh; oy++) {
                int iy0 = oy * q.sh - q.ph;
                int ya = Math.max(0, iy0);
                int ye = Math.min(q.h, iy0 + q.kh);
                for (int ox = 0; ox < q.ow; ox++) {
                    int ix0 = ox * q.sw - q.pw;
                    int xa = Math.max(0, ix0);
                    int xe = Math.min(q.w, ix0 + q.kw);
                    float v = q.g[yb + oy * q.ow + ox] / div;
                    for (int iy = ya; iy < ye; iy++) {
                        int row = xb + iy * q.w;
                        for (int ix = xa; ix < xe; ix++) {
                            q.dx[row + ix] += v;
                        }
                    }
                }
            }
        }
    }
}
