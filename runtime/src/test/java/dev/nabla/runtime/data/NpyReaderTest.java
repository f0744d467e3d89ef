package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyReaderTest {

    @TempDir
    Path dir;

    /** An .npy file as numpy.save writes it. */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        byte[] header = NpyWriter.header(major, descr, fortran, shape);
        return ByteBuffer.allocate(header.length + data.length).put(header).put(data).array();
    }

    private static byte[] le(int width, double... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (width == 4) {
                b.putFloat((float) v);
            } else {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void v1Float32Matrix_readsShapeAndValues() throws IOException {
        NpyReader.Array a = NpyReader.read(write("x.npy", npy(1, "<f4", false, "2, 3", le(4, 1, 2, 3, 4, 5, 6.5))));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, a.values());
    }

    @Test
    void v2Float64AndIntegerAndByteDtypes_areConverted() throws IOException {
        assertArrayEquals(new float[] {0.25f, -3}, NpyReader.read(write("a.npy", npy(2, "<f8", false, "2,", le(8, 0.25, -3)))).values());
        ByteBuffer ints = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7).putInt(4, -2).putInt(8, 9);
        assertArrayEquals(new float[] {7, -2, 9}, NpyReader.read(write("i.npy", npy(1, "<i4", false, "3,", ints.array()))).values());
        ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-1);
        assertArrayEquals(new float[] {5, -1}, NpyReader.read(write("l.npy", npy(1, "<i8", false, "2,", longs.array()))).values());
        NpyReader.Array bytes = NpyReader.read(write("u.npy", npy(1, "|u1", false, "1, 2", new byte[] {(byte) 200, 3})));
        assertArrayEquals(new float[] {200, 3}, bytes.values());
        assertTrue(bytes.uint8());
        assertTrue(bytes.field("x", "u.npy", new int[] {2}, true).byteBacked(), "|u1 stays bytes");
    }

    @Test
    void npy_fortranOrder_rejectedWithAdvice() throws IOException {
        Path file = write("f.npy", npy(1, "<f4", true, "2, 2", le(4, 1, 2, 3, 4)));
        NablaException e = assertThrows(NablaException.class, () -> NpyReader.read(file));
        assertTrue(e.getMessage().contains("Fortran order") && e.getMessage().contains("ascontiguousarray"), e.getMessage());
    }

    @Test
    void npy_bigEndianDtype_namesIt() throws IOException {
        Path file = write("b.npy", npy(1, ">f4", false, "1,", new byte[4]));
        NablaException e = assertThrows(NablaException.class, () -> NpyReader.read(file));
        assertTrue(e.getMessage().contains("unsupported dtype '>f4'"), e.getMessage());
    }

    @Test
    void npy_truncatedData_isReported() throws IOException {
        byte[] full = npy(1, "<f4", false, "4,", le(4, 1, 2, 3, 4));
        Path file = write("t.npy", Arrays.copyOf(full, full.length - 1));
        NablaException e = assertThrows(NablaException.class, () -> NpyReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": truncated"), e.getMessage());
    }

    @Test
    void npy_wrongMagic_isReported() throws IOException {
        Path file = write("w.npy", "not numpy at all".getBytes(StandardCharsets.US_ASCII));
        NablaException e = assertThrows(NablaException.class, () -> NpyReader.read(file));
        assertTrue(e.getMessage().contains("wrong magic number"), e.getMessage());
    }

    @Test
    void loader_pairsFeaturesWithTargetsAndChecksCounts() throws IOException {
        Path x = write("x.npy", npy(1, "<f4", false, "2, 2", le(4, 1, 2, 3, 4)));
        Path y = write("y.npy", npy(1, "<f4", false, "2,", le(4, 1, 0)));
        Dataset d = DataLoader.load(DataLoader.parse("x.npy,y.npy", dir));
        assertEquals(0f, d.target(1, 0));
        Path y3 = write("y3.npy", npy(1, "<f4", false, "3,", le(4, 1, 0, 1)));
        NablaException e = assertThrows(NablaException.class, () -> DataLoader.load(DataLoader.parse("npy:x=x.npy,y=y3.npy", dir)));
        assertEquals(x + " has 2 samples but " + y3 + " has 3 targets", e.getMessage());
        assertEquals(y.getParent(), x.getParent());
    }
}
