package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorPackedA} against the layout written out from its definition, one float at a time: row tile {@code t}
 * holds {@code A(4t + r, p)} at {@code 4t*k + 4p + r}, the rows after the last tile {@code A(i, p)} at {@code i*k + p}.
 * Over plain and transposed A, depths on both sides of the 8-step vector blocks (odd ones too: the transposed path takes
 * steps in pairs), row counts with and without leftover rows and with an odd number of tiles (it takes tiles in pairs),
 * packed whole or in shares as a product's threads pack it; every float outside the share keeps its old value.
 */
class VectorPackedAProperties {

    @Property(tries = 300)
    void packsEveryRowOfItsShareWhereTheTilesReadIt(@ForAll @IntRange(min = 1, max = 70) int m,
                                                    @ForAll @IntRange(min = 0, max = 41) int k,
                                                    @ForAll boolean transA,
                                                    @ForAll @IntRange(min = 1, max = 4) int shares,
                                                    @ForAll @IntRange(min = 0, max = 7) int aOff,
                                                    @ForAll long seed) {
        Random random = new Random(seed);
        float[] a = new float[aOff + m * k + 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        float[] expected = new float[m * k + 5];
        float[] packed = new float[m * k + 5];
        Arrays.fill(expected, Float.NaN);
        Arrays.fill(packed, Float.NaN);
        int tiles = (m + 3) / 4;
        int tiled = m / 4 * 4;
        for (int share = 0; share < shares; share++) {
            int i0 = Gemm.cut(share, shares, tiles, 4, m);
            int i1 = Gemm.cut(share + 1, shares, tiles, 4, m);
            VectorPackedA.pack(a, aOff, transA, m, k, i0, i1, packed);
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    float value = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    int at = i < tiled ? (i / 4 * 4) * k + 4 * p + i % 4 : i * k + p;
                    expected[at] = value;
                }
            }
            for (int at = 0; at < expected.length; at++) {
                int where = at;
                int done = share;
                assertEquals(expected[at], packed[at], () -> "float " + where + " after share " + done + " of m=" + m
                        + " k=" + k + (transA ? " transposed" : ""));
            }
        }
    }

    @Example
    void packsTheShapesOfW1() {
        // the first layer's input (128 x 784) and its transpose for the weight gradient (784 x 128), whole and halved
        for (boolean transA : new boolean[] {false, true}) {
            int m = transA ? 784 : 128;
            int k = transA ? 128 : 784;
            packsEveryRowOfItsShareWhereTheTilesReadIt(m, k, transA, 1, 0, 7L);
            packsEveryRowOfItsShareWhereTheTilesReadIt(m, k, transA, 2, 3, 8L);
        }
    }
}
