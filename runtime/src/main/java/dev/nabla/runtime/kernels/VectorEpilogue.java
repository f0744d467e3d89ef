package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;

import jdk.incubator.vector.FloatVector;

/**
 * Moves sums computed by the micro-kernels from a scratch tile into C, as {@code act(sum + old C + bias)}.
 * Each combination of options has its own branch ending in its own store, so that no vector value is
 * merged from two branches (C2 would box it). The last {@code w % L} columns take the scalar form of the
 * same operations.
 */
final class VectorEpilogue {
    static final int ACC = 1;
    static final int BIAS = 2;
    static final int RELU = 4;

    private VectorEpilogue() {
    }

    static int mode(GemmCall call) {
        return (call.accumulate ? ACC : 0) | (call.bias != null ? BIAS : 0) | (call.relu ? RELU : 0);
    }

    /** Writes {@code rows x w} sums from {@code t[tOff + r*tStride + jj]} to C at row {@code i}, column {@code j}. */
    static void finish(float[] t, int tOff, int tStride, int rows, int w, GemmCall call, int i, int j, int mode) {
        int wv = w - w % L;
        for (int r = 0; r < rows; r++) {
            int from = tOff + r * tStride;
            int to = call.cOff + (i + r) * call.n + j;
            int bias = call.biasOff + j;
            for (int jj = 0; jj < wv; jj += L) {
                vector(t, from + jj, call.c, to + jj, call.bias, bias + jj, mode);
            }
            for (int jj = wv; jj < w; jj++) {
                call.c[to + jj] = scalar(t[from + jj], call.c, to + jj, call.bias, bias + jj, mode);
            }
        }
    }

    private static void vector(float[] t, int from, float[] c, int to, float[] bias, int b, int mode) {
        FloatVector v = FloatVector.fromArray(S, t, from);
        switch (mode) {
            case 0 -> v.intoArray(c, to);
            case ACC -> v.add(FloatVector.fromArray(S, c, to)).intoArray(c, to);
            case BIAS -> v.add(FloatVector.fromArray(S, bias, b)).intoArray(c, to);
            case ACC | BIAS -> v.add(FloatVector.fromArray(S, c, to)).add(FloatVector.fromArray(S, bias, b))
                    .intoArray(c, to);
            case RELU -> v.max(0f).intoArray(c, to);
            case ACC | RELU -> v.add(FloatVector.fromArray(S, c, to)).max(0f).intoArray(c, to);
            case BIAS | RELU -> v.add(FloatVector.fromArray(S, bias, b)).max(0f).intoArray(c, to);
            default -> v.add(FloatVector.fromArray(S, c, to)).add(FloatVector.fromArray(S, bias, b)).max(0f)
                    .intoArray(c, to);
        }
    }

    /** One element: the same operations, in the same order, as a lane of {@link #vector}. */
    static float scalar(float sum, float[] c, int to, float[] bias, int b, int mode) {
        float r = sum;
        if ((mode & ACC) != 0) {
            r += c[to];
        }
        if ((mode & BIAS) != 0) {
            r += bias[b];
        }
        return (mode & RELU) != 0 ? Math.max(r, 0f) : r;
    }
}
