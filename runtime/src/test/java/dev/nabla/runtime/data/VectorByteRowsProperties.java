package dev.nabla.runtime.data;

import dev.nabla.runtime.VectorApi;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches gathered from a byte field with vectors ({@link VectorByteRows}) hold the floats of the field's table, bit
 * for bit, at awkward widths (a vector's worth of bytes and a tail), for raw bytes, {@code scale}'s division by 255
 * and other divisors; a table that is no division is gathered through the table.
 */
class VectorByteRowsProperties {

    private static Field field(int rows, int width, long seed) {
        byte[] b = new byte[3 + rows * width];
        new Random(seed).nextBytes(b);
        return Field.ofUnsignedBytes("x", "test", new int[] {width}, b, 3, rows * width, false);
    }

    /** The table {@code scale} would make for {@code divisor}: {@code b / divisor} for each byte. */
    private static float[] division(float divisor) {
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            t[b] = b / divisor;
        }
        return t;
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.of(1, 7, 8, 15, 16, 17, 31, 255, 784);
    }

    @Provide
    Arbitrary<Float> divisors() {
        return Arbitraries.oneOf(Arbitraries.of(1f, 255f, 3f, 0.1f), Arbitraries.floats().between(1e-3f, 1e4f).ofScale(6));
    }

    @Property(tries = 150)
    void gatheredRowsAreTheTablesFloats(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll("widths") int width,
                                        @ForAll("divisors") float divisor, @ForAll @IntRange(min = 0, max = 3) int destRow,
                                        @ForAll long seed) {
        Field f = field(rows, width, seed).withDecodeTable(division(divisor), false);
        Random r = new Random(seed ^ 0x5DEECE66DL);
        int count = 1 + r.nextInt(2 * rows);
        int[] order = new int[count + 2];
        for (int i = 0; i < order.length; i++) {
            order[i] = r.nextInt(rows);
        }
        float[] dest = new float[(destRow + count + 1) * width];
        java.util.Arrays.fill(dest, -7f);
        f.copyRows(order, 2, count, dest, destRow);
        for (int i = 0; i < dest.length; i++) {
            int row = i / width - destRow;
            float want = row < 0 || row >= count ? -7f : f.value(order[2 + row], i % width);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(dest[i]),
                    "element " + i + " (divisor " + divisor + ", vectors " + f.gathersWithVectors() + ")");
        }
    }

    @Example
    void rawBytesAndScaleAreDivisionsAndGatherWithVectorsWhereTheVectorApiIs() {
        Field raw = field(2, 17, 1);
        assertEquals(1f, Field.divisorOf(raw.decodeTable()));
        assertEquals(VectorApi.enabled(), raw.gathersWithVectors());
        Field scaled = raw.withDecodeTable(division(255f), false);
        assertEquals(255f, Field.divisorOf(scaled.decodeTable()));
        assertEquals(VectorApi.enabled(), scaled.gathersWithVectors());
        assertTrue(VectorApi.enabled(), "the tests run with " + VectorApi.MODULE);
    }

    @Example
    void aTableThatIsNoDivisionIsGatheredThroughTheTable() {
        float[] squares = new float[256];
        for (int b = 0; b < 256; b++) {
            squares[b] = b * (float) b;
        }
        squares[0] = 1;
        Field f = field(3, 20, 2).withDecodeTable(squares, false);
        assertTrue(Float.isNaN(Field.divisorOf(squares)));
        assertFalse(f.gathersWithVectors());
        float[] dest = new float[60];
        f.copyRows(new int[] {2, 0, 1}, 0, 3, dest);
        for (int i = 0; i < 60; i++) {
            assertEquals(f.value(new int[] {2, 0, 1}[i / 20], i % 20), dest[i]);
        }
    }
}
