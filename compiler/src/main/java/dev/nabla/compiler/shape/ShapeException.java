package dev.nabla.compiler.shape;

/** A shape or type rule rejected its operands; the message names the shapes. Positioned by the caller. */
public final class ShapeException extends RuntimeException {
    public ShapeException(String message) {
        super(message);
    }
}
