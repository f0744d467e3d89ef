package dev.nabla.compiler.diag;

import dev.nabla.compiler.ir.Span;

/**
 * One message about the source, positioned at a 1-based line and column.
 *
 * @param sourceLine the text of the line {@code span} points into (without its line break), or "" when unknown;
 *                   kept here so a diagnostic renders on its own, after the sources are gone
 */
public record Diagnostic(Severity severity, Span span, String message, String sourceLine) {

    /** {@code file:line:col: error: message}, the source line, and a caret under the column (no position: {@code file: error: ...}). */
    public String render() {
        StringBuilder s = new StringBuilder().append(span.file());
        if (span.line() > 0) {
            s.append(':').append(span.line()).append(':').append(span.column());
        }
        s.append(": ").append(severity.text()).append(": ").append(message).append('\n');
        if (!sourceLine.isEmpty()) {
            s.append(sourceLine).append('\n').append(caretLine()).append('\n');
        }
        return s.toString();
    }

    /** Keeps the tabs of the source line so the caret lines up in any terminal. */
    private String caretLine() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < span.column() - 1 && i < sourceLine.length(); i++) {
            s.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
        }
        for (int i = sourceLine.length(); i < span.column() - 1; i++) {
            s.append(' ');
        }
        return s.append('^').toString();
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
