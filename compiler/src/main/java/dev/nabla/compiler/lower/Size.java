package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Shape;

/** A loop extent or index coefficient: the constant {@code c}, times the batch size when {@code batch}. */
public record Size(int c, boolean batch) {

    public static final Size ONE = new Size(1, false);
    public static final Size ZERO = new Size(0, false);

    public static Size of(int c) {
        return new Size(c, false);
    }

    /** The size of a dimension, {@link Shape#BATCH} becoming the batch size. */
    public static Size dim(int d) {
        return d == Shape.BATCH ? new Size(1, true) : new Size(d, false);
    }

    /** Element count of a shape. */
    public static Size numel(Shape s) {
        return new Size((int) s.numel(1), s.dims().contains(Shape.BATCH));
    }

    public Size times(Size o) {
        if (batch && o.batch) {
            throw new IllegalArgumentException("batch squared: " + this + " * " + o);
        }
        return new Size(c * o.c, batch || o.batch);
    }

    public boolean isOne() {
        return c == 1 && !batch;
    }

    public int at(int batchSize) {
        return batch ? c * batchSize : c;
    }

    @Override
    public String toString() {
        return batch ? (c == 1 ? "B" : "B*" + c) : Integer.toString(c);
    }
}
