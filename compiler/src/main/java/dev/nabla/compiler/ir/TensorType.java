package dev.nabla.compiler.ir;

/** Element type and static shape of a value. Printed like {@code f32[B,256]}. */
public record TensorType(DType dtype, Shape shape) {

    public static TensorType f32(int... dims) {
        return new TensorType(DType.F32, Shape.of(dims));
    }

    public static TensorType f32(Shape shape) {
        return new TensorType(DType.F32, shape);
    }

    public TensorType withShape(Shape s) {
        return new TensorType(dtype, s);
    }

    @Override
    public String toString() {
        return dtype.text() + shape;
    }
}
