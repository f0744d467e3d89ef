package dev.nabla.cli;

/** A mistake of the user's (bad file, bad flag value, bad data): printed as one message, exit code 1, no stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
