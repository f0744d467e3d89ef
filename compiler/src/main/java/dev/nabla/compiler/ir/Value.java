package dev.nabla.compiler.ir;

/** An SSA value: a name unique within its graph (derived from source names) and a type. Printed {@code %name}. */
public record Value(String name, TensorType type) {

    public Shape shape() {
        return type.shape();
    }

    public DType dtype() {
        return type.dtype();
    }

    @Override
    public String toString() {
        return "%" + name;
    }
}
