package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes float32 arrays as NumPy {@code .npy} files (version 1.0, {@code <f4}, C order), which {@code numpy.load}
 * and {@link DataLoader} read: for an application that prepares data in Java, and for tests.
 */
public final class NpyWriter {

    private NpyWriter() {
    }

    /** Writes {@code values} (row-major) with {@code shape}, whose product must be {@code values.length}. */
    public static Path write(Path file, int[] shape, float[] values) {
        if (Dataset.product(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
        // numpy writes a 1-tuple with a trailing comma: (5,)
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "))
                + (shape.length == 1 ? "," : "");
        byte[] header = header(1, "<f4", false, dims);
        ByteBuffer b = ByteBuffer.allocate(header.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).put(header);
        for (float v : values) {
            b.putFloat(v);
        }
        try {
            return Files.write(file, b.array());
        } catch (IOException e) {
            throw new NablaException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * Magic, version, header length and the header dict as {@code numpy.save} writes them: padded with spaces and a
     * newline so the data starts at a multiple of 64 bytes. {@code major} 1 has a 2-byte length, 2 and 3 a 4-byte one.
     */
    static byte[] header(int major, String descr, boolean fortran, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String text = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        return b.put(text.getBytes(StandardCharsets.ISO_8859_1)).array();
    }
}
