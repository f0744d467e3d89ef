package dev.nabla.compiler.lower;

/**
 * A {@code float[]} a kernel reads or writes: {@code buffers[index]} of the model's spec, labelled for
 * listings by the value or buffer name it holds. {@link #HYPER} is the update kernel's hyperparameter array.
 */
public record Buf(int index, String label) {

    public static final Buf HYPER = new Buf(-1, "hyper");

    @Override
    public String toString() {
        return label;
    }
}
