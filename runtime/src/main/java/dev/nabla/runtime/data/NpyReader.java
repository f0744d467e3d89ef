package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, versions 1 to 3: magic {@code \x93NUMPY}, version, a little-endian header length
 * (2 bytes in v1, 4 in v2/v3), a Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (n, d), }}, then the data. Supported dtypes: {@code <f4 <f8 |u1 |i1 <i4 <i8}, C order only.
 */
final class NpyReader {

    /**
     * A decoded array: {@code |u1} stays as the file's bytes ({@code bytes} from {@code offset}, {@code floats} null),
     * every other dtype becomes floats.
     */
    record Array(int[] shape, float[] floats, byte[] bytes, int offset, int count) {

        boolean uint8() {
            return bytes != null;
        }

        /** The values as floats (a fresh array for bytes). */
        float[] values() {
            return floats != null ? floats : field("", "", new int[] {1}, false).values();
        }

        /** The values as a field of rows of {@code sampleShape}. */
        Field field(String name, String source, int[] sampleShape, boolean exactShape) {
            return bytes != null ? Field.ofUnsignedBytes(name, source, sampleShape, bytes, offset, count, exactShape)
                    : new Field(name, source, sampleShape, floats, exactShape, false);
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    static Array read(Path file) {
        byte[] bytes = DataFiles.readAll(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new NablaException(file + ": not a .npy file (wrong magic number; expected \\x93NUMPY)");
        }
        int major = bytes[6];
        int headerStart = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || bytes.length < headerStart) {
            throw new NablaException(file + ": unsupported .npy version " + major + "." + bytes[7]);
        }
        long headerLength = major == 1 ? in.getShort(8) & 0xFFFF : in.getInt(8) & 0xFFFFFFFFL;
        if (headerStart + headerLength > bytes.length) {
            throw new NablaException(file + ": truncated .npy header");
        }
        String header = new String(bytes, headerStart, (int) headerLength, StandardCharsets.ISO_8859_1);
        String descr = field(file, DESCR, header, "descr");
        if (field(file, FORTRAN, header, "fortran_order").equals("True")) {
            throw new NablaException(file + ": arrays in Fortran order are not supported; save with np.ascontiguousarray(a)");
        }
        int[] shape = shape(file, field(file, SHAPE, header, "shape"));
        int start = headerStart + (int) headerLength;
        int count = count(file, in, start, shape, descr);
        if (descr.endsWith("u1")) {
            return new Array(shape, null, bytes, start, count); // kept as they are, without a copy
        }
        return new Array(shape, values(in, start, count, descr), null, 0, count);
    }

    private static String field(Path file, Pattern p, String header, String name) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new NablaException(file + ": .npy header has no '" + name + "': " + header.trim());
        }
        return m.group(1);
    }

    private static int[] shape(Path file, String text) {
        String[] parts = text.split(",");
        return Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(s -> {
            try {
                return Integer.parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            } catch (NumberFormatException e) {
                throw new NablaException(file + ": bad shape (" + text + ") in .npy header");
            }
        }).toArray();
    }

    /** The number of values {@code shape} holds, checked against the file's size. */
    private static int count(Path file, ByteBuffer in, int start, int[] shape, String descr) {
        int width = width(file, descr);
        long count = 1;
        for (int d : shape) {
            // Each factor is checked before it multiplies: a negative dimension, or dimensions whose product passes
            // an array's size, would otherwise reach the allocation (NegativeArraySizeException) or wrap around.
            if (d < 0 || d > 0 && count > Integer.MAX_VALUE / d) {
                throw new NablaException(file + ": bad shape " + Arrays.toString(shape) + " in .npy header: "
                        + (d < 0 ? "a negative dimension" : "more than 2^31-1 elements"));
            }
            count *= d;
        }
        if (start + count * width > in.capacity()) {
            throw new NablaException(file + ": truncated: shape " + Arrays.toString(shape) + " of " + descr + " needs "
                    + (start + count * width) + " bytes, the file has " + in.capacity());
        }
        return (int) count;
    }

    private static float[] values(ByteBuffer in, int start, int count, String descr) {
        float[] out = new float[count];
        in.position(start);
        for (int i = 0; i < out.length; i++) {
            out[i] = next(in, descr);
        }
        return out;
    }

    private static int width(Path file, String descr) {
        switch (descr) {
            case "|u1": case "u1": case "|i1": case "i1": return 1;
            case "<f4": case "<i4": return 4;
            case "<f8": case "<i8": return 8;
            default:
                throw new NablaException(file + ": unsupported dtype '" + descr
                        + "' (supported: <f4, <f8, |u1, |i1, <i4, <i8; little-endian only)");
        }
    }

    private static float next(ByteBuffer in, String descr) {
        switch (descr) {
            case "|i1": case "i1": return in.get();
            case "<f4": return in.getFloat();
            case "<i4": return in.getInt();
            case "<f8": return (float) in.getDouble();
            default: return in.getLong();
        }
    }
}
