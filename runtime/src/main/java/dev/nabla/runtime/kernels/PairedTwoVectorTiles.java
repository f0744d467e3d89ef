package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;
import static dev.nabla.runtime.kernels.VectorTiles.W;
import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import jdk.incubator.vector.FloatVector;

/**
 * The 4 x 2 tiles of {@link TwoVectorTiles} taking two steps per loop iteration, for a JVM whose C2 strip-mines counted
 * loops ({@link TwoVectorTiles#TWO_STEPS}): the same sums, each accumulator taking its FMAs in order of p, to the bit.
 * Counting A's index, two steps carry 4 integer instructions per 8 FMAs against one step's 7, which counts when the
 * core's other hardware thread is busy and the two share its dispatch (see {@link TwoVectorTiles}). The body needs
 * all 16 registers (8 accumulators, 4 B vectors, 4 broadcasts) if C2 issues each step's broadcasts with its FMAs,
 * which it did whenever it strip-mined the loop; without strip mining it issued all 8 broadcasts first and kept 4
 * accumulators on the stack, at half the speed. An odd last step runs in a second loop, not an {@code if}: a vector
 * merged from two branches is boxed.
 */
final class PairedTwoVectorTiles {

    private PairedTwoVectorTiles() {
    }

    static void tile4x2(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int bOff = bBase - W / 4 * aBase;
        int ia = aBase;
        for (int pairsEnd = aBase + 4 * (k & ~1); ia < pairsEnd; ia += 8) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector e0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + W);
            FloatVector e1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + W + L);
            FloatVector ea0 = FloatVector.broadcast(S, a[ia + 4]);
            c00 = ea0.fma(e0, c00);
            c01 = ea0.fma(e1, c01);
            FloatVector ea1 = FloatVector.broadcast(S, a[ia + 5]);
            c10 = ea1.fma(e0, c10);
            c11 = ea1.fma(e1, c11);
            FloatVector ea2 = FloatVector.broadcast(S, a[ia + 6]);
            c20 = ea2.fma(e0, c20);
            c21 = ea2.fma(e1, c21);
            FloatVector ea3 = FloatVector.broadcast(S, a[ia + 7]);
            c30 = ea3.fma(e0, c30);
            c31 = ea3.fma(e1, c31);
        }
        for (int end = aBase + 4 * k; ia < end; ia += 4) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    static void tile4x2Acc(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        int bOff = bBase - W / 4 * aBase;
        int ia = aBase;
        for (int pairsEnd = aBase + 4 * (k & ~1); ia < pairsEnd; ia += 8) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector e0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + W);
            FloatVector e1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + W + L);
            FloatVector ea0 = FloatVector.broadcast(S, a[ia + 4]);
            c00 = ea0.fma(e0, c00);
            c01 = ea0.fma(e1, c01);
            FloatVector ea1 = FloatVector.broadcast(S, a[ia + 5]);
            c10 = ea1.fma(e0, c10);
            c11 = ea1.fma(e1, c11);
            FloatVector ea2 = FloatVector.broadcast(S, a[ia + 6]);
            c20 = ea2.fma(e0, c20);
            c21 = ea2.fma(e1, c21);
            FloatVector ea3 = FloatVector.broadcast(S, a[ia + 7]);
            c30 = ea3.fma(e0, c30);
            c31 = ea3.fma(e1, c31);
        }
        for (int end = aBase + 4 * k; ia < end; ia += 4) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    static void tile4x2Strided(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int bOff = bBase - W * aBase;
        int ia = aBase;
        for (int pairsEnd = aBase + (k & ~1); ia < pairsEnd; ia += 2) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector e0 = FloatVector.fromArray(S, b, W * ia + bOff + W);
            FloatVector e1 = FloatVector.fromArray(S, b, W * ia + bOff + W + L);
            FloatVector ea0 = FloatVector.broadcast(S, a[ia + 1]);
            c00 = ea0.fma(e0, c00);
            c01 = ea0.fma(e1, c01);
            FloatVector ea1 = FloatVector.broadcast(S, a[ia + ars + 1]);
            c10 = ea1.fma(e0, c10);
            c11 = ea1.fma(e1, c11);
            FloatVector ea2 = FloatVector.broadcast(S, a[ia + 2 * ars + 1]);
            c20 = ea2.fma(e0, c20);
            c21 = ea2.fma(e1, c21);
            FloatVector ea3 = FloatVector.broadcast(S, a[ia + 3 * ars + 1]);
            c30 = ea3.fma(e0, c30);
            c31 = ea3.fma(e1, c31);
        }
        for (int end = aBase + k; ia < end; ia++) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    static void tile4x2AccStrided(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        int bOff = bBase - W * aBase;
        int ia = aBase;
        for (int pairsEnd = aBase + (k & ~1); ia < pairsEnd; ia += 2) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector e0 = FloatVector.fromArray(S, b, W * ia + bOff + W);
            FloatVector e1 = FloatVector.fromArray(S, b, W * ia + bOff + W + L);
            FloatVector ea0 = FloatVector.broadcast(S, a[ia + 1]);
            c00 = ea0.fma(e0, c00);
            c01 = ea0.fma(e1, c01);
            FloatVector ea1 = FloatVector.broadcast(S, a[ia + ars + 1]);
            c10 = ea1.fma(e0, c10);
            c11 = ea1.fma(e1, c11);
            FloatVector ea2 = FloatVector.broadcast(S, a[ia + 2 * ars + 1]);
            c20 = ea2.fma(e0, c20);
            c21 = ea2.fma(e1, c21);
            FloatVector ea3 = FloatVector.broadcast(S, a[ia + 3 * ars + 1]);
            c30 = ea3.fma(e0, c30);
            c31 = ea3.fma(e1, c31);
        }
        for (int end = aBase + k; ia < end; ia++) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }
}
