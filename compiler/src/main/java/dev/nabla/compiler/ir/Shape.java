package dev.nabla.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A static shape. The first dimension may be the symbolic batch size {@link #BATCH}, printed {@code B};
 * every other dimension is a positive constant. Rank 0 is a scalar.
 */
public record Shape(List<Integer> dims) {

    public static final int BATCH = -1;
    /** The most elements a tensor may hold per example: its buffer is one Java array, and a batch of 1 must fit. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;
    public static final Shape SCALAR = new Shape(List.of());

    public Shape {
        dims = List.copyOf(dims);
        for (int i = 0; i < dims.size(); i++) {
            int d = dims.get(i);
            if (d == BATCH ? i != 0 : d < 1) {
                throw new IllegalArgumentException("bad dimension " + d + " at axis " + i);
            }
        }
    }

    public static Shape of(int... dims) {
        List<Integer> list = new ArrayList<>(dims.length);
        for (int d : dims) {
            list.add(d);
        }
        return new Shape(list);
    }

    public int rank() {
        return dims.size();
    }

    public int dim(int axis) {
        return dims.get(axis);
    }

    public boolean batched() {
        return !dims.isEmpty() && dims.get(0) == BATCH;
    }

    public boolean isScalar() {
        return dims.isEmpty();
    }

    /** Element count for a concrete batch size. */
    public long numel(int batch) {
        long n = 1;
        for (int d : dims) {
            n *= d == BATCH ? batch : d;
        }
        return n;
    }

    /** Whether one example of this shape fits in a Java array ({@link #MAX_ELEMENTS}); never overflows. */
    public boolean fitsInArray() {
        long n = 1;
        for (int d : dims) {
            n *= d == BATCH ? 1 : d;
            if (n > MAX_ELEMENTS) {
                return false;
            }
        }
        return true;
    }

    /** Dimensions with the batch dimension made concrete. */
    public int[] concrete(int batch) {
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i) == BATCH ? batch : dims.get(i);
        }
        return out;
    }

    /** Normalises a possibly negative axis; returns -1 when out of range. */
    public int axis(int axis) {
        int a = axis < 0 ? axis + rank() : axis;
        return a >= 0 && a < rank() ? a : -1;
    }

    public int[] toArray() {
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return dims.stream().map(d -> d == BATCH ? "B" : Integer.toString(d))
                .collect(Collectors.joining(",", "[", "]"));
    }
}
