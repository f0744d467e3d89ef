package dev.nabla.runtime;

import java.util.Arrays;

/**
 * One buffer of a compiled model.
 *
 * @param name  readable name taken from the model source, e.g. {@code hidden1.W}, {@code grad:hidden1.W}
 * @param role  what it holds
 * @param shape dimensions; {@link #BATCH} marks the symbolic batch dimension (only ever the first)
 * @param init  initializer for PARAM and STATE buffers, {@code null} otherwise
 * @param of    for GRAD and OPT_STATE: the name of the PARAM it belongs to; otherwise {@code null}
 * @param classes for a TARGET of integer class labels, the number of classes; {@link #BINARY} for a binary target
 *                (one real value per sample, positive when above 0); otherwise 0
 * @param line  for HEALTH buffers, the model source line of the layer they measure (messages name it); otherwise 0
 */
public record BufferSpec(String name, BufferRole role, int[] shape, InitSpec init, String of, int classes, int line) {

    public static final int BATCH = -1;

    /**
     * {@code classes} of a binary target ({@code target y : f32[B] binary}): 1, since a label target needs at least
     * 2 classes, so the value cannot be mistaken for one.
     */
    public static final int BINARY = 1;

    public BufferSpec(String name, BufferRole role, int[] shape) {
        this(name, role, shape, null, null, 0);
    }

    /** A buffer without a source line. */
    public BufferSpec(String name, BufferRole role, int[] shape, InitSpec init, String of, int classes) {
        this(name, role, shape, init, of, classes, 0);
    }

    public BufferSpec {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** A binary target: its classifier thresholds one score per sample at 0. */
    public boolean binary() {
        return classes == BINARY;
    }

    public boolean batched() {
        return shape.length > 0 && shape[0] == BATCH;
    }

    /**
     * Number of elements for a given batch size.
     *
     * @throws NablaException when they do not fit in one Java array: the batch is too large for this buffer
     */
    public int size(int batch) {
        long n = 1;
        for (int d : shape) {
            n *= d == BATCH ? batch : d; // both factors are at most 2^31 - 1: no overflow
            if (n > Integer.MAX_VALUE) {
                throw new NablaException("batch " + batch + " is too large: " + name + " "
                        + Arrays.toString(shape).replace("-1", "B") + " would need more than the " + Integer.MAX_VALUE
                        + " elements a Java array holds");
            }
        }
        return (int) n;
    }

    /** Elements per batch row (the size for batch 1). */
    public int rowSize() {
        return size(1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BufferSpec b && name.equals(b.name) && role == b.role
                && Arrays.equals(shape, b.shape) && java.util.Objects.equals(init, b.init)
                && java.util.Objects.equals(of, b.of) && classes == b.classes && line == b.line;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(role.name().toLowerCase()).append(' ').append(name).append(" [");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ",").append(shape[i] == BATCH ? "B" : Integer.toString(shape[i]));
        }
        return s.append(']').toString();
    }
}
