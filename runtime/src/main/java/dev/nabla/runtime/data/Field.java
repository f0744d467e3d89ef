package dev.nabla.runtime.data;

import java.util.Arrays;

/**
 * One array of a {@link Dataset}: {@code rows x width} values, row-major, each row of {@link #sampleShape}. It is
 * named after the model input or target it feeds; formats without names (CSV, IDX, {@code npy(x, y)}) call their
 * features {@link Dataset#UNNAMED_INPUT} and their labels {@link Dataset#UNNAMED_TARGET}.
 *
 * <p>The values are floats, or bytes read through a table of 256 floats: unsigned-byte data (IDX images, {@code |u1}
 * npy) stays as the file's bytes, a quarter of the memory of floats (47 MB instead of 188 for Fashion-MNIST), and
 * {@code scale} changes only the table ({@link Preprocessing}). A value is the same float either way: the table holds
 * exactly what the float path computes for each byte, and {@link #copyRows} decodes a batch as it gathers it.
 *
 * <p>Fields are immutable by convention; {@link #values()} of a byte field is a fresh array.
 */
public final class Field {

    private final String name;
    private final String source;
    private final int[] sampleShape;
    private final int width;
    private final int rows;
    private final boolean exactShape;
    private final boolean uint8;
    /** The values, or null for a byte field. */
    private final float[] floats;
    /** A byte field's values: {@code decode[bytes[offset + i] & 0xFF]} is value i. */
    private final byte[] bytes;
    private final int offset;
    private final float[] decode;
    /**
     * A byte field's table as one division: {@code decode[b] == b / divisor} for all 256 bytes, bit for bit (a raw
     * field's divisor is 1, {@code scale}'s 255); NaN when the table is no such division or there is none.
     */
    private final float divisor;

    /** Decodes a row of bytes as {@code (b & 0xFF) / divisor}: {@link VectorByteRows}, loaded by name. */
    interface ByteRows {
        void decode(byte[] src, int from, float[] dest, int to, int n, float divisor);
    }

    /** The vector decoder, or null without the Vector API: then batches are gathered through the table. */
    private static final ByteRows VECTOR_ROWS = vectorRows();

    /**
     * A field of floats.
     *
     * @param source     the file it came from, for messages
     * @param exactShape rows must have the declared per-sample shape of the model's buffer, as a {@code .npy} array
     *                   whose shape is its own; false for rows that are flat by nature (a CSV line) or by convention
     *                   (IDX images fed to a dense layer), which fit any declared shape with the same element count
     * @param uint8      raw bytes 0..255 ({@code scale} then divides by 255, like torchvision)
     */
    public Field(String name, String source, int[] sampleShape, float[] values, boolean exactShape, boolean uint8) {
        this(name, source, sampleShape, values.length, exactShape, uint8, values, null, 0, null);
    }

    private Field(String name, String source, int[] sampleShape, long count, boolean exactShape, boolean uint8,
                  float[] floats, byte[] bytes, int offset, float[] decode) {
        this.sampleShape = sampleShape.clone();
        this.width = Dataset.product(sampleShape);
        if (width <= 0 || count % width != 0) {
            throw new IllegalArgumentException(source + ": " + count + " values do not divide into rows of "
                    + Arrays.toString(sampleShape));
        }
        this.name = name;
        this.source = source;
        this.rows = (int) (count / width);
        this.exactShape = exactShape;
        this.uint8 = uint8;
        this.floats = floats;
        this.bytes = bytes;
        this.offset = offset;
        this.decode = decode;
        this.divisor = decode == null ? Float.NaN : divisorOf(decode);
    }

    private static ByteRows vectorRows() {
        if (!dev.nabla.runtime.VectorApi.enabled()) {
            return null;
        }
        try {
            return (ByteRows) Class.forName("dev.nabla.runtime.data.VectorByteRows").getDeclaredField("INSTANCE")
                    .get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * The divisor {@code d} with {@code table[b] == b / d} for every byte, bit for bit, or NaN. The candidates are
     * {@code 255 / table[255]} and its float neighbours: the division that made the table rounds, and so may this one.
     */
    static float divisorOf(float[] table) {
        float guess = 255f / table[255];
        for (float d : new float[] {guess, Math.nextUp(guess), Math.nextDown(guess)}) {
            boolean all = Float.isFinite(d) && d != 0;
            for (int b = 0; all && b < 256; b++) {
                all = Float.floatToRawIntBits(b / d) == Float.floatToRawIntBits(table[b]);
            }
            if (all) {
                return d;
            }
        }
        return Float.NaN;
    }

    /** Whether {@link #copyRows} decodes this field's bytes with vectors (else through the table). */
    boolean gathersWithVectors() {
        return bytes != null && VECTOR_ROWS != null && !Float.isNaN(divisor);
    }

    /**
     * A field of raw unsigned bytes, {@code bytes[offset .. offset+count)} (the data part of a file read whole), kept
     * as bytes: value i is {@code bytes[offset + i] & 0xFF} as a float, exactly what reading them as floats gives.
     */
    static Field ofUnsignedBytes(String name, String source, int[] sampleShape, byte[] bytes, int offset, int count,
                                 boolean exactShape) {
        float[] identity = new float[256];
        for (int b = 0; b < 256; b++) {
            identity[b] = b;
        }
        return new Field(name, source, sampleShape, count, exactShape, true, null, bytes, offset, identity);
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public boolean exactShape() {
        return exactShape;
    }

    /** Raw bytes 0..255 ({@code scale} then divides by 255, like torchvision). */
    public boolean uint8() {
        return uint8;
    }

    /** Values per row. */
    public int width() {
        return width;
    }

    public int rows() {
        return rows;
    }

    /** Whether the values are kept as bytes read through a table ({@link #decodeTable}). */
    boolean byteBacked() {
        return bytes != null;
    }

    /** A byte field's table of the 256 values a byte stands for (a copy); null for a field of floats. */
    float[] decodeTable() {
        return decode == null ? null : decode.clone();
    }

    /** All {@code rows x width} values: the field's own array, or for a byte field a fresh one. */
    public float[] values() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[rows * width];
        for (int i = 0; i < out.length; i++) {
            out[i] = decode[bytes[offset + i] & 0xFF];
        }
        return out;
    }

    /** Value {@code j} of row {@code row}. */
    public float value(int row, int j) {
        int i = row * width + j;
        return floats != null ? floats[i] : decode[bytes[offset + i] & 0xFF];
    }

    /** Copies rows {@code order[from..from+count)} into {@code dest} from index 0; allocates nothing. */
    public void copyRows(int[] order, int from, int count, float[] dest) {
        copyRows(order, from, count, dest, 0);
    }

    /** {@link #copyRows(int[], int, int, float[])} into {@code dest} from its row {@code destRow} on. */
    public void copyRows(int[] order, int from, int count, float[] dest, int destRow) {
        int w = width;
        if (floats != null) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(floats, order[from + i] * w, dest, (destRow + i) * w, w);
            }
            return;
        }
        float[] table = decode;
        byte[] src = bytes;
        if (gathersWithVectors()) {
            for (int i = 0; i < count; i++) {
                VECTOR_ROWS.decode(src, offset + order[from + i] * w, dest, (destRow + i) * w, w, divisor);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            int s = offset + order[from + i] * w;
            int d = (destRow + i) * w;
            for (int j = 0; j < w; j++) {
                dest[d + j] = table[src[s + j] & 0xFF];
            }
        }
    }

    /** The rows {@code indices}, in that order (bytes stay bytes). */
    Field subset(int[] indices) {
        if (floats != null) {
            float[] out = new float[indices.length * width];
            copyRows(indices, 0, indices.length, out);
            return withValues(out, uint8);
        }
        byte[] out = new byte[indices.length * width];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(bytes, offset + indices[i] * width, out, i * width, width);
        }
        return new Field(name, source, sampleShape, out.length, exactShape, uint8, null, out, 0, decode);
    }

    /** The same rows under another name (binding a field to the model buffer it feeds). */
    Field named(String newName) {
        return newName.equals(name) ? this
                : new Field(newName, source, sampleShape, (long) rows * width, exactShape, uint8, floats, bytes, offset, decode);
    }

    /** Other values of the same shape, e.g. after preprocessing (no longer raw bytes then). */
    Field withValues(float[] newValues, boolean newUint8) {
        return new Field(name, source, sampleShape, newValues, exactShape, newUint8);
    }

    /** A byte field with the same bytes read through another table, e.g. after {@code scale}. */
    Field withDecodeTable(float[] table, boolean newUint8) {
        if (bytes == null || table.length != 256) {
            throw new IllegalStateException(source + ": only a byte field has a decode table of 256 values");
        }
        return new Field(name, source, sampleShape, (long) rows * width, exactShape, newUint8, null, bytes, offset,
                table.clone());
    }

    @Override
    public String toString() {
        return "Field[" + name + " " + Arrays.toString(sampleShape) + " x " + rows + (bytes != null ? " bytes" : "")
                + " from " + source + "]";
    }
}
