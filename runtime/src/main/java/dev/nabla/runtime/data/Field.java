package dev.nabla.runtime.data;

import java.util.Arrays;

/**
 * One array of a {@link Dataset}: {@code rows x width} values, row-major, each row of {@link #sampleShape}. It is
 * named after the model input or target it feeds; formats without names (CSV, IDX, {@code npy(x, y)}) call their
 * features {@link Dataset#UNNAMED_INPUT} and their labels {@link Dataset#UNNAMED_TARGET}.
 *
 * @param source     the file it came from, for messages
 * @param exactShape rows must have the declared per-sample shape of the model's buffer, as a {@code .npy} array
 *                   whose shape is its own; false for rows that are flat by nature (a CSV line) or by convention
 *                   (IDX images fed to a dense layer), which fit any declared shape with the same element count
 * @param uint8      raw bytes 0..255 ({@code scale} then divides by 255, like torchvision)
 */
public record Field(String name, String source, int[] sampleShape, float[] values, boolean exactShape, boolean uint8) {

    public Field {
        sampleShape = sampleShape.clone();
        int width = Dataset.product(sampleShape);
        if (width == 0 || values.length % width != 0) {
            throw new IllegalArgumentException(source + ": " + values.length + " values do not divide into rows of "
                    + Arrays.toString(sampleShape));
        }
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Values per row. */
    public int width() {
        return Dataset.product(sampleShape);
    }

    public int rows() {
        return values.length / width();
    }

    /** Value {@code j} of row {@code row}. */
    public float value(int row, int j) {
        return values[row * width() + j];
    }

    /** Copies rows {@code order[from..from+count)} into {@code dest} from index 0. */
    public void copyRows(int[] order, int from, int count, float[] dest) {
        int w = width();
        for (int i = 0; i < count; i++) {
            System.arraycopy(values, order[from + i] * w, dest, i * w, w);
        }
    }

    /** The rows {@code indices}, in that order. */
    Field subset(int[] indices) {
        float[] out = new float[indices.length * width()];
        copyRows(indices, 0, indices.length, out);
        return withValues(out, uint8);
    }

    /** The same rows under another name (binding a field to the model buffer it feeds). */
    Field named(String newName) {
        return newName.equals(name) ? this : new Field(newName, source, sampleShape, values, exactShape, uint8);
    }

    /** Other values of the same shape, e.g. after preprocessing (no longer raw bytes then). */
    Field withValues(float[] newValues, boolean newUint8) {
        return new Field(name, source, sampleShape, newValues, exactShape, newUint8);
    }
}
