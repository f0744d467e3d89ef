package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * A user mistake found while elaborating; caught per statement so later statements are still checked.
 * {@code calledFrom} collects the call sites of the inlined definitions it passed through, innermost first.
 * A {@link #silent} error stands for one already reported (a use of a failed declaration).
 */
final class ElabError extends RuntimeException {

    private final Span span;
    private final boolean silent;
    private final List<Span> calledFrom = new ArrayList<>();

    ElabError(Span span, String message) {
        this(span, message, false);
    }

    private ElabError(Span span, String message, boolean silent) {
        super(message, null, false, false);
        this.span = span;
        this.silent = silent;
    }

    static ElabError silent() {
        return new ElabError(Span.NONE, "already reported", true);
    }

    Span span() {
        return span;
    }

    boolean isSilent() {
        return silent;
    }

    List<Span> calledFrom() {
        return calledFrom;
    }
}
