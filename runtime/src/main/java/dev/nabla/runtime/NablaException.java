package dev.nabla.runtime;

/**
 * An error caused by the user's input (a data file of the wrong format, a diverging run, a checkpoint
 * that does not fit the model): reported as its message alone, never with a stack trace.
 */
public class NablaException extends RuntimeException {
    public NablaException(String message) {
        super(message);
    }

    public NablaException(String message, Throwable cause) {
        super(message, cause);
    }
}
