package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.W;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The 4 x 2 tiles, one step per iteration and two ({@link PairedTwoVectorTiles}, an odd last step in a second loop),
 * whose loops count A's index and derive B's from it, against the sum they promise:
 * {@code sum_p A(r,p) * B(p,j)} with one fused multiply-add per step in order of p, to the bit. A loop that stopped a
 * step early or late, derived B's row from A's index with the wrong scale or offset, or read the wrong row of A
 * would change the bits. Bases and strides are random, so the index arithmetic is checked away from zero. The tiles
 * cover two vectors of columns; B's rows are {@link VectorTiles#W} floats apart, which is two vectors too unless
 * the 5 x 4 tile is in use.
 */
class TwoVectorTilesProperties {

    @Property(tries = 200)
    void packedTilesTakeEveryStepInOrder(@ForAll @IntRange(max = 41) int k, @ForAll @IntRange(max = 37) int aBase,
                                         @ForAll @IntRange(max = 5) int bRowsBefore, @ForAll @IntRange(max = 9) int pad,
                                         @ForAll boolean accumulate, @ForAll long seed) {
        Random random = new Random(seed);
        float[] a = ConvCase.random(random, aBase + 4 * k + 3);
        int bBase = bRowsBefore * W;
        float[] b = ConvCase.random(random, bBase + k * W + 5);
        int dStride = W + pad;
        int dBase = pad;
        float[] d = ConvCase.random(random, dBase + 4 * dStride);
        float[] expected = d.clone();
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 2 * L; j++) {
                float sum = accumulate ? d[dBase + r * dStride + j] : 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[aBase + 4 * p + r], b[bBase + p * W + j], sum);
                }
                expected[dBase + r * dStride + j] = sum;
            }
        }
        float[] paired = d.clone();
        if (accumulate) {
            TwoVectorTiles.tile4x2AccOneStep(a, aBase, b, bBase, k, d, dBase, dStride);
            PairedTwoVectorTiles.tile4x2Acc(a, aBase, b, bBase, k, paired, dBase, dStride);
        } else {
            TwoVectorTiles.tile4x2OneStep(a, aBase, b, bBase, k, d, dBase, dStride);
            PairedTwoVectorTiles.tile4x2(a, aBase, b, bBase, k, paired, dBase, dStride);
        }
        assertArrayEquals(expected, d, "one step per iteration");
        assertArrayEquals(expected, paired, "two steps per iteration");
    }

    @Property(tries = 200)
    void inPlaceTilesTakeEveryStepInOrder(@ForAll @IntRange(max = 41) int k, @ForAll @IntRange(max = 37) int aBase,
                                          @ForAll @IntRange(max = 13) int rowGap, @ForAll @IntRange(max = 5) int bRowsBefore,
                                          @ForAll boolean accumulate, @ForAll long seed) {
        Random random = new Random(seed);
        int ars = k + rowGap;
        float[] a = ConvCase.random(random, aBase + 3 * ars + k + 2);
        int bBase = bRowsBefore * W;
        float[] b = ConvCase.random(random, bBase + k * W + 1);
        int dStride = W + L;
        float[] d = ConvCase.random(random, 4 * dStride);
        float[] expected = d.clone();
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 2 * L; j++) {
                float sum = accumulate ? d[r * dStride + j] : 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[aBase + r * ars + p], b[bBase + p * W + j], sum);
                }
                expected[r * dStride + j] = sum;
            }
        }
        float[] paired = d.clone();
        if (accumulate) {
            TwoVectorTiles.tile4x2AccStridedOneStep(a, aBase, ars, b, bBase, k, d, 0, dStride);
            PairedTwoVectorTiles.tile4x2AccStrided(a, aBase, ars, b, bBase, k, paired, 0, dStride);
        } else {
            TwoVectorTiles.tile4x2StridedOneStep(a, aBase, ars, b, bBase, k, d, 0, dStride);
            PairedTwoVectorTiles.tile4x2Strided(a, aBase, ars, b, bBase, k, paired, 0, dStride);
        }
        assertArrayEquals(expected, d, "one step per iteration");
        assertArrayEquals(expected, paired, "two steps per iteration");
    }

    @Example
    void theStepsPropertyOverridesWhatTheJvmDoes() {
        assertTrue(TwoVectorTiles.twoSteps("2"));
        assertTrue(TwoVectorTiles.twoSteps(" 2 "));
        assertFalse(TwoVectorTiles.twoSteps("1"));
        assertEquals(TwoVectorTiles.stripMinesLoops(), TwoVectorTiles.twoSteps(null));
        assertEquals(TwoVectorTiles.stripMinesLoops(), TwoVectorTiles.twoSteps(""));
    }

    /** The test JVM runs G1, which strip-mines counted loops unless told otherwise. */
    @Example
    void g1StripMinesLoops() {
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"));
        Assume.that(g1);
        assertTrue(TwoVectorTiles.stripMinesLoops());
    }
}
