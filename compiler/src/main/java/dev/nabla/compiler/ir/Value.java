package dev.nabla.compiler.ir;

/** An SSA value: a name unique within its graph (derived from source names) and a type. Printed {@code %name}. */
public record Value(String name, TensorType type) {

    public Shape shape() {
        return type.shape();
    }

    public DType dtype() {
        return type.dtype();
    }

    /**
     * The name's hash (cached by String): values are map keys in every pass, and the record's own hash walked the
     * shape's dimension list at each lookup. Equal values have equal names, so this agrees with equals.
     */
    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "%" + name;
    }
}
