package dev.nabla.compiler.ir;

/** Element types. Class labels are I32; everything differentiable is F32 (the interpreter computes in double). */
public enum DType {
    F32, I32;

    public String text() {
        return name().toLowerCase();
    }
}
