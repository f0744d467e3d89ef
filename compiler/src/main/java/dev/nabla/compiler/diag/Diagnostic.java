package dev.nabla.compiler.diag;

import dev.nabla.compiler.ir.Span;

/**
 * One message about the source, positioned at a 1-based line and column.
 *
 * @param sourceLine the text of the line {@code span} points into (without its line break), or "" when unknown;
 *                   kept here so a diagnostic renders on its own, after the sources are gone
 */
public record Diagnostic(Severity severity, Span span, String message, String sourceLine) {

    /** Source lines longer than this are shown as a window around the caret, so a minified line is not repeated whole. */
    static final int MAX_LINE = 160;
    /** Characters of the line kept on each side of the caret when it is clipped. */
    static final int CONTEXT = 60;
    /** Messages longer than this (a message quoting a huge identifier) are cut. */
    static final int MAX_MESSAGE = 1000;

    /** {@code file:line:col: error: message}, the source line, and a caret under the column (no position: {@code file: error: ...}). */
    public String render() {
        StringBuilder s = new StringBuilder().append(clip(span.file(), MAX_MESSAGE));
        if (span.line() > 0) {
            s.append(':').append(span.line()).append(':').append(span.column());
        }
        s.append(": ").append(severity.text()).append(": ").append(clip(message, MAX_MESSAGE)).append('\n');
        if (!sourceLine.isEmpty()) {
            int caret = Math.max(0, span.column() - 1);
            int from = 0;
            int to = sourceLine.length();
            if (to > MAX_LINE) {
                from = Math.max(0, Math.min(caret, to) - CONTEXT);
                to = Math.min(to, Math.max(caret, from) + CONTEXT);
            }
            String prefix = from > 0 ? "..." : "";
            String shown = prefix + sourceLine.substring(from, to) + (to < sourceLine.length() ? "..." : "");
            // A column past the line's end (a line the lexer and the line splitter end differently, as at a lone
            // carriage return) puts the caret just after it, not 70,000 spaces to the right.
            int at = Math.min(prefix.length() + caret - from, shown.length());
            s.append(shown).append('\n').append(caretLine(shown, at)).append('\n');
        }
        return s.toString();
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " characters)";
    }

    /** Keeps the tabs of the source line so the caret lines up in any terminal. */
    private static String caretLine(String line, int column) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < column && i < line.length(); i++) {
            s.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        for (int i = line.length(); i < column; i++) {
            s.append(' ');
        }
        return s.append('^').toString();
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
