package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;
import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Products with a single row of C (batch-1 inference), which the tile kernels would run at one eighth of
 * their rate. For m = 1 the row of A is contiguous whether or not it is transposed.
 */
final class VectorMatVec {

    private static final int GROUP = 8;

    private VectorMatVec() {
    }

    /** {@code c[j] = sum_p a[p] * B[p, j]} for {@code j in [j0, j1)}: rows of B streamed once, 16 or 8 vectors at a time. */
    static void gemv(GemmCall call, int j0, int j1) {
        int mode = VectorEpilogue.mode(call);
        float[] tile = Scratch.current().tile(2 * GROUP * L);
        float[] d = mode == 0 ? call.c : tile;
        int j = j0;
        for (; j + 2 * GROUP * L <= j1; j += 2 * GROUP * L) {
            gemv16(call, j, d, mode == 0 ? call.cOff + j : 0);
            if (mode != 0) {
                VectorEpilogue.finish(tile, 0, 0, 1, 2 * GROUP * L, call, 0, j, mode);
            }
        }
        for (; j + GROUP * L <= j1; j += GROUP * L) {
            gemv8(call, j, d, mode == 0 ? call.cOff + j : 0);
            if (mode != 0) {
                VectorEpilogue.finish(tile, 0, 0, 1, GROUP * L, call, 0, j, mode);
            }
        }
        for (; j + L <= j1; j += L) {
            gemv1(call, j, d, mode == 0 ? call.cOff + j : 0);
            if (mode != 0) {
                VectorEpilogue.finish(tile, 0, 0, 1, L, call, 0, j, mode);
            }
        }
        for (; j < j1; j++) {
            float s = 0f;
            for (int p = 0; p < call.k; p++) {
                s = Math.fma(call.a[call.aOff + p], call.b[call.bOff + p * call.n + j], s);
            }
            store(call, j, s);
        }
    }

    /** Sixteen vectors of columns: one pass over whole rows of B when n is 16 vectors wide (the first W1 layer). */
    private static void gemv16(GemmCall call, int j, float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
        FloatVector s8 = z, s9 = z, s10 = z, s11 = z, s12 = z, s13 = z, s14 = z, s15 = z;
        float[] a = call.a;
        float[] b = call.b;
        int n = call.n;
        int ap = call.aOff;
        int bp = call.bOff + j;
        for (int p = 0; p < call.k; p++, bp += n) {
            FloatVector av = FloatVector.broadcast(S, a[ap + p]);
            s0 = av.fma(FloatVector.fromArray(S, b, bp), s0);
            s1 = av.fma(FloatVector.fromArray(S, b, bp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2);
            s3 = av.fma(FloatVector.fromArray(S, b, bp + 3 * L), s3);
            s4 = av.fma(FloatVector.fromArray(S, b, bp + 4 * L), s4);
            s5 = av.fma(FloatVector.fromArray(S, b, bp + 5 * L), s5);
            s6 = av.fma(FloatVector.fromArray(S, b, bp + 6 * L), s6);
            s7 = av.fma(FloatVector.fromArray(S, b, bp + 7 * L), s7);
            s8 = av.fma(FloatVector.fromArray(S, b, bp + 8 * L), s8);
            s9 = av.fma(FloatVector.fromArray(S, b, bp + 9 * L), s9);
            s10 = av.fma(FloatVector.fromArray(S, b, bp + 10 * L), s10);
            s11 = av.fma(FloatVector.fromArray(S, b, bp + 11 * L), s11);
            s12 = av.fma(FloatVector.fromArray(S, b, bp + 12 * L), s12);
            s13 = av.fma(FloatVector.fromArray(S, b, bp + 13 * L), s13);
            s14 = av.fma(FloatVector.fromArray(S, b, bp + 14 * L), s14);
            s15 = av.fma(FloatVector.fromArray(S, b, bp + 15 * L), s15);
        }
        EXACT.cast(s0).intoArray(d, dBase);
        EXACT.cast(s1).intoArray(d, dBase + L);
        EXACT.cast(s2).intoArray(d, dBase + 2 * L);
        EXACT.cast(s3).intoArray(d, dBase + 3 * L);
        EXACT.cast(s4).intoArray(d, dBase + 4 * L);
        EXACT.cast(s5).intoArray(d, dBase + 5 * L);
        EXACT.cast(s6).intoArray(d, dBase + 6 * L);
        EXACT.cast(s7).intoArray(d, dBase + 7 * L);
        EXACT.cast(s8).intoArray(d, dBase + 8 * L);
        EXACT.cast(s9).intoArray(d, dBase + 9 * L);
        EXACT.cast(s10).intoArray(d, dBase + 10 * L);
        EXACT.cast(s11).intoArray(d, dBase + 11 * L);
        EXACT.cast(s12).intoArray(d, dBase + 12 * L);
        EXACT.cast(s13).intoArray(d, dBase + 13 * L);
        EXACT.cast(s14).intoArray(d, dBase + 14 * L);
        EXACT.cast(s15).intoArray(d, dBase + 15 * L);
    }

    private static void gemv8(GemmCall call, int j, float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
        float[] a = call.a;
        float[] b = call.b;
        int n = call.n;
        int ap = call.aOff;
        int bp = call.bOff + j;
        for (int p = 0; p < call.k; p++, bp += n) {
            FloatVector av = FloatVector.broadcast(S, a[ap + p]);
            s0 = av.fma(FloatVector.fromArray(S, b, bp), s0);
            s1 = av.fma(FloatVector.fromArray(S, b, bp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2);
            s3 = av.fma(FloatVector.fromArray(S, b, bp + 3 * L), s3);
            s4 = av.fma(FloatVector.fromArray(S, b, bp + 4 * L), s4);
            s5 = av.fma(FloatVector.fromArray(S, b, bp + 5 * L), s5);
            s6 = av.fma(FloatVector.fromArray(S, b, bp + 6 * L), s6);
            s7 = av.fma(FloatVector.fromArray(S, b, bp + 7 * L), s7);
        }
        EXACT.cast(s0).intoArray(d, dBase);
        EXACT.cast(s1).intoArray(d, dBase + L);
        EXACT.cast(s2).intoArray(d, dBase + 2 * L);
        EXACT.cast(s3).intoArray(d, dBase + 3 * L);
        EXACT.cast(s4).intoArray(d, dBase + 4 * L);
        EXACT.cast(s5).intoArray(d, dBase + 5 * L);
        EXACT.cast(s6).intoArray(d, dBase + 6 * L);
        EXACT.cast(s7).intoArray(d, dBase + 7 * L);
    }

    private static void gemv1(GemmCall call, int j, float[] d, int dBase) {
        FloatVector s = FloatVector.zero(S);
        int bp = call.bOff + j;
        for (int p = 0; p < call.k; p++, bp += call.n) {
            s = FloatVector.broadcast(S, call.a[call.aOff + p]).fma(FloatVector.fromArray(S, call.b, bp), s);
        }
        EXACT.cast(s).intoArray(d, dBase);
    }

    /** {@code c[j] = dot(a, row j of B[n,k])} for {@code j in [j0, j1)}, four rows of B at a time. */
    static void dots(GemmCall call, int j0, int j1) {
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            dots4(call, j);
        }
        for (; j < j1; j++) {
            store(call, j, dot(call, j));
        }
    }

    private static void dots4(GemmCall call, int j) {
        int k = call.k;
        int kv = k - k % L;
        float[] a = call.a;
        float[] b = call.b;
        int r0 = call.bOff + j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < kv; p += L) {
            FloatVector av = FloatVector.fromArray(S, a, call.aOff + p);
            s0 = av.fma(FloatVector.fromArray(S, b, r0 + p), s0);
            s1 = av.fma(FloatVector.fromArray(S, b, r1 + p), s1);
            s2 = av.fma(FloatVector.fromArray(S, b, r2 + p), s2);
            s3 = av.fma(FloatVector.fromArray(S, b, r3 + p), s3);
        }
        store(call, j, tail(call, r0, kv, EXACT.cast(s0).reduceLanes(VectorOperators.ADD)));
        store(call, j + 1, tail(call, r1, kv, EXACT.cast(s1).reduceLanes(VectorOperators.ADD)));
        store(call, j + 2, tail(call, r2, kv, EXACT.cast(s2).reduceLanes(VectorOperators.ADD)));
        store(call, j + 3, tail(call, r3, kv, EXACT.cast(s3).reduceLanes(VectorOperators.ADD)));
    }

    /** One dot product by the same operations as a lane of {@link #dots4}. */
    private static float dot(GemmCall call, int j) {
        int k = call.k;
        int kv = k - k % L;
        int r = call.bOff + j * k;
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, call.a, call.aOff + p).fma(FloatVector.fromArray(S, call.b, r + p), s);
        }
        return tail(call, r, kv, EXACT.cast(s).reduceLanes(VectorOperators.ADD));
    }

    private static float tail(GemmCall call, int row, int from, float sum) {
        float s = sum;
        for (int p = from; p < call.k; p++) {
            s = Math.fma(call.a[call.aOff + p], call.b[row + p], s);
        }
        return s;
    }

    private static void store(GemmCall call, int j, float v) {
        int c = call.cOff + j;
        call.c[c] = VectorEpilogue.scalar(v, call.c, c, call.bias, call.biasOff + j, VectorEpilogue.mode(call));
    }
}
