package dev.nabla.runtime.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unsigned-byte data kept as bytes ({@link Field#ofUnsignedBytes}) against the same data read as floats, as every
 * reader did before: the same values, batches, subsets and preprocessing, float for float (compared by bits).
 */
class ByteFieldTest {

    /** {@code rows x width} random bytes after a header of {@code offset} bytes that must be skipped. */
    private static byte[] bytes(int offset, int rows, int width, long seed) {
        byte[] b = new byte[offset + rows * width];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Field asBytes(byte[] b, int offset, int width) {
        return Field.ofUnsignedBytes("x", "test", new int[] {width}, b, offset, b.length - offset, false);
    }

    /** The float field every reader made of unsigned bytes before: {@code b & 0xFF} as a float, raw bytes. */
    private static Field asFloats(byte[] b, int offset, int width) {
        float[] v = new float[b.length - offset];
        for (int i = 0; i < v.length; i++) {
            v[i] = b[offset + i] & 0xFF;
        }
        return new Field("x", "test", new int[] {width}, v, false, true);
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + ": value " + i + " (" + expected[i] + " vs " + actual[i] + ")");
        }
    }

    @Property(tries = 40)
    void batchesGatheredIntoOneReusedBuffer_areTheFloatFieldsRows(@ForAll @IntRange(min = 1, max = 40) int rows,
            @ForAll @IntRange(min = 1, max = 17) int width, @ForAll @IntRange(min = 1, max = 9) int batch,
            @ForAll @IntRange(min = 0, max = 20) int offset, @ForAll long seed) {
        byte[] b = bytes(offset, rows, width, seed);
        Field packed = asBytes(b, offset, width);
        Field floats = asFloats(b, offset, width);
        assertEquals(rows, packed.rows());
        assertTrue(packed.uint8());
        assertSameBits(floats.values(), packed.values(), "values");
        int[] order = new Random(seed).ints(0, rows).limit(rows).toArray();
        float[] reused = new float[batch * width];
        float[] fresh = new float[batch * width];
        for (int from = 0; from < rows; from += batch) {
            int count = Math.min(batch, rows - from);
            packed.copyRows(order, from, count, reused);
            floats.copyRows(order, from, count, fresh);
            for (int i = 0; i < count * width; i++) {
                assertEquals(Float.floatToRawIntBits(fresh[i]), Float.floatToRawIntBits(reused[i]), "batch at " + from);
            }
        }
        // a batch gathered in two pieces, each into its own rows of the buffer (as the threads of a step gather it)
        int count = Math.min(batch, rows);
        int split = count / 2;
        float[] pieces = new float[count * width];
        packed.copyRows(order, 0, split, pieces, 0);
        packed.copyRows(order, split, count - split, pieces, split);
        floats.copyRows(order, 0, count, fresh);
        assertSameBits(java.util.Arrays.copyOf(fresh, count * width), pieces, "a batch gathered in two pieces");
        int[] some = {rows - 1, 0, rows / 2};
        assertSameBits(floats.subset(some).values(), packed.subset(some).values(), "subset");
        assertTrue(packed.subset(some).byteBacked(), "a subset of bytes stays bytes");
        assertEquals(floats.value(rows - 1, width - 1), packed.value(rows - 1, width - 1));
    }

    @Property(tries = 20)
    void preprocessing_fitsAndAppliesTheSameFloats(@ForAll @IntRange(min = 2, max = 30) int rows,
            @ForAll @IntRange(min = 1, max = 9) int width, @ForAll long seed) {
        byte[] b = bytes(3, rows, width, seed);
        Dataset packed = new Dataset("test", List.of(asBytes(b, 3, width)), List.of(), null);
        Dataset floats = new Dataset("test", List.of(asFloats(b, 3, width)), List.of(), null);
        for (List<String> steps : List.of(List.of("scale"), List.of("standardize"), List.of("scale", "standardize"),
                List.of("standardize", "scale"), List.of("none"))) {
            Preprocessing fromBytes = Preprocessing.fit(steps, packed);
            Preprocessing fromFloats = Preprocessing.fit(steps, floats);
            assertEquals(fromFloats.toMetadata(), fromBytes.toMetadata(), steps + ": fitted numbers");
            Field scaledBytes = fromBytes.apply(packed).inputs().get(0);
            Field scaledFloats = fromFloats.apply(floats).inputs().get(0);
            assertSameBits(scaledFloats.values(), scaledBytes.values(), steps + ": preprocessed values");
            assertEquals(scaledFloats.uint8(), scaledBytes.uint8(), steps + ": still raw bytes");
            if (steps.equals(List.of("scale"))) {
                assertTrue(scaledBytes.byteBacked(), "scale rewrites the table, not the data");
            }
        }
    }

    @Test
    void scaleOnBytes_keepsTheBytesAndDividesTheTable() {
        byte[] b = {0, 0, 0, 0, (byte) 255, 1, (byte) 128, 7};
        Dataset d = new Dataset("test", List.of(asBytes(b, 4, 2)), List.of(), null);
        Field f = Preprocessing.fit(List.of("scale"), d).apply(d).inputs().get(0);
        assertTrue(f.byteBacked());
        assertFalse(f.uint8(), "scaled: no longer raw bytes");
        assertArrayEquals(new float[] {255 / 255f, 1 / 255f, 128 / 255f, 7 / 255f}, f.values());
        assertEquals(1 / 255f, f.value(0, 1));
    }

    @Test
    void gatheringBytes_allocatesNothing() {
        byte[] b = bytes(16, 1000, 784, 1);
        Field f = asBytes(b, 16, 784);
        int[] order = new Random(2).ints(0, 1000).limit(1000).toArray();
        float[] batch = new float[128 * 784];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int round = 0; round < 20 && allocated != 0; round++) {
            gather(f, order, batch, 200);
            long before = mx.getThreadAllocatedBytes(tid);
            gather(f, order, batch, 50);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 50 epochs of gathering batches of bytes");
    }

    private static void gather(Field f, int[] order, float[] batch, int epochs) {
        for (int e = 0; e < epochs; e++) {
            for (int from = 0; from + 128 <= order.length; from += 128) {
                f.copyRows(order, from, 128, batch);
            }
        }
    }
}
