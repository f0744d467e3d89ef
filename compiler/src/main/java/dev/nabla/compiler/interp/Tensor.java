package dev.nabla.compiler.interp;

import java.util.Arrays;

/**
 * A concrete tensor for the reference interpreter: a shape with no symbolic dimension and its elements
 * in row-major order, in double precision. Integer class labels are stored as doubles too.
 * The arrays are owned by the tensor: constructors and accessors copy.
 */
public final class Tensor {

    private final int[] shape;
    private final double[] data;

    public Tensor(int[] shape, double[] data) {
        this.shape = shape.clone();
        this.data = data.clone();
        if (size(this.shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size(this.shape)
                    + " elements, got " + data.length);
        }
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new double[size(shape)]);
    }

    public static Tensor scalar(double value) {
        return new Tensor(new int[0], new double[] {value});
    }

    /** Element count of a shape (1 for a scalar). */
    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public double[] data() {
        return data.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    /** The backing array, uncopied, for the interpreter's rules (which never write to an operand's). */
    double[] raw() {
        return data;
    }

    /** Wraps an array the caller hands over (no copy). */
    static Tensor wrap(int[] shape, double[] data) {
        return new Tensor(shape, data, true);
    }

    private Tensor(int[] shape, double[] data, boolean owned) {
        this.shape = shape.clone();
        this.data = data;
        if (size(this.shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size(this.shape)
                    + " elements, got " + data.length);
        }
    }

    /** Element at a row-major flat index. */
    public double at(int flatIndex) {
        return data[flatIndex];
    }

    /** The single element of a one-element tensor (a scalar loss). */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " is not a scalar");
        }
        return data[0];
    }

    /** A copy with one element replaced: finite differences perturb parameters this way. */
    public Tensor with(int flatIndex, double value) {
        double[] copy = data.clone();
        copy[flatIndex] = value;
        return new Tensor(shape, copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + Arrays.toString(data);
    }
}
