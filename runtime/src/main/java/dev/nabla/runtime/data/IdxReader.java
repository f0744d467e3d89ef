package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The IDX format of MNIST and Fashion-MNIST (plain or gzipped): magic {@code 00 00 TYPE RANK}, RANK big-endian
 * int32 dimensions, then the values big-endian. Images are {@code idx3} (n x rows x cols), labels {@code idx1}.
 */
final class IdxReader {

    /**
     * A decoded IDX array: unsigned bytes stay as the file's bytes ({@code bytes} from {@code offset}, {@code floats}
     * null), every other type becomes floats.
     */
    record Array(int[] dims, float[] floats, byte[] bytes, int offset) {

        boolean uint8() {
            return bytes != null;
        }

        int count() {
            return floats != null ? floats.length : (int) Arrays.stream(dims).asLongStream().reduce(1, (a, b) -> a * b);
        }

        /** The values as a field of rows of {@code sampleShape}. */
        Field field(String name, String source, int[] sampleShape) {
            return bytes != null ? Field.ofUnsignedBytes(name, source, sampleShape, bytes, offset, count(), false)
                    : new Field(name, source, sampleShape, floats, false, false);
        }
    }

    private IdxReader() {
    }

    static Dataset read(Path images, Path labels) {
        Array x = readArray(images);
        Array y = readArray(labels);
        if (y.dims().length != 1) {
            throw new NablaException(labels + ": labels must be an idx1 file (one dimension), found "
                    + y.dims().length + " dimensions");
        }
        if (x.dims()[0] != y.dims()[0]) {
            throw new NablaException(images + " has " + x.dims()[0] + " images but " + labels + " has "
                    + y.dims()[0] + " labels");
        }
        int[] sample = x.dims().length == 1 ? new int[] {1} : Arrays.copyOfRange(x.dims(), 1, x.dims().length);
        String source = images + " + " + labels;
        return new Dataset(source, List.of(x.field(Dataset.UNNAMED_INPUT, source, sample)),
                List.of(y.field(Dataset.UNNAMED_TARGET, source, new int[] {1})), null);
    }

    static Array readArray(Path file) {
        byte[] bytes = DataFiles.readAll(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0 || width(bytes[2]) == 0 || bytes[3] < 1) {
            String magic = bytes.length < 4 ? "(file of " + bytes.length + " bytes)"
                    : String.format("0x%08X", in.getInt(0));
            throw new NablaException(file + ": wrong magic number " + magic
                    + " (an IDX file starts with 0x0000TTRR: TT = 08 for unsigned bytes ... 0E for doubles, RR = rank)");
        }
        int type = bytes[2] & 0xFF;
        int rank = bytes[3];
        if (bytes.length < 4 + 4 * rank) {
            throw new NablaException(file + ": truncated IDX header (" + bytes.length + " bytes)");
        }
        // Every header field is checked against the file's size before anything is allocated: the dimensions are
        // unsigned 32-bit numbers, and 0xFFFFFFFF must not become -1 or a 16 GB array.
        int[] dims = new int[rank];
        int start = 4 + 4 * rank;
        for (int i = 0; i < rank; i++) {
            if (in.getInt(4 + 4 * i) == 0) {
                throw new NablaException(file + ": dimension " + (i + 1) + " is 0");
            }
        }
        long available = (bytes.length - start) / width(bytes[2]);
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long d = in.getInt(4 + 4 * i) & 0xFFFFFFFFL;
            count *= d; // count is at most the file size here, d at most 2^32: no overflow
            if (count > available) {
                throw new NablaException(file + ": truncated or wrong header: with dimension " + (i + 1) + " of " + d
                        + " the data needs " + (start + count * width(bytes[2])) + " bytes, the file has " + bytes.length);
            }
            dims[i] = (int) d;
        }
        long expected = start + count * width(bytes[2]);
        if (bytes.length != expected) {
            throw new NablaException(file + ": " + (bytes.length < expected ? "truncated" : "wrong size") + ": dimensions "
                    + Arrays.toString(dims) + " need " + expected + " bytes, the file has " + bytes.length);
        }
        // Unsigned bytes are kept as they are, without a copy: the header before them is a few bytes of the array.
        return type == 0x08 ? new Array(dims, null, bytes, start)
                : new Array(dims, values(in, start, (int) count, type), null, 0);
    }

    private static int width(byte type) {
        switch (type & 0xFF) {
            case 0x08: case 0x09: return 1;
            case 0x0B: return 2;
            case 0x0C: case 0x0D: return 4;
            case 0x0E: return 8;
            default: return 0;
        }
    }

    private static float[] values(ByteBuffer in, int start, int count, int type) {
        float[] out = new float[count];
        in.position(start);
        for (int i = 0; i < count; i++) {
            switch (type) {
                case 0x09: out[i] = in.get(); break;
                case 0x0B: out[i] = in.getShort(); break;
                case 0x0C: out[i] = in.getInt(); break;
                case 0x0D: out[i] = in.getFloat(); break;
                default: out[i] = (float) in.getDouble(); break;
            }
        }
        return out;
    }
}
