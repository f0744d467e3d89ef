package dev.nabla.compiler.diag;

import dev.nabla.compiler.ir.Span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the diagnostics of one compilation. Knows every source text it was told about, so it can
 * attach the offending line to each message. Identical diagnostics (an error inside a definition that is
 * inlined twice) are reported once. As javac does, only the first {@link #MAX_ERRORS} errors are kept (a
 * file of garbage has an error on every token); a final note says how many there were.
 */
public final class Diagnostics {

    private final Map<String, List<String>> sourceLines = new HashMap<>();
    private final Map<String, Integer> fileOrder = new HashMap<>();
    private final Set<Diagnostic> reported = new LinkedHashSet<>();
    public static final int MAX_ERRORS = 100;
    private int errors;
    private int dropped;
    private boolean droppingNotes;
    private String droppedFile;

    public void addSource(String file, String text) {
        sourceLines.put(file, linesAsTheLexerCountsThem(text));
        fileOrder.putIfAbsent(file, fileOrder.size());
    }

    /**
     * Lines as ANTLR's lexer numbers them: ended by {@code \n} alone ({@link String#lines()} also ends one at a lone
     * {@code \r}, which put a diagnostic on the wrong line, its column past that line's end). A {@code \r} before the
     * {@code \n} is dropped; one inside a line shows as a space, so it cannot return the terminal's cursor.
     */
    static List<String> linesAsTheLexerCountsThem(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                if (start < text.length()) {
                    lines.add(displayed(text.substring(start)));
                }
                break;
            }
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(displayed(text.substring(start, stop)));
            start = end + 1;
        }
        return lines;
    }

    private static String displayed(String line) {
        return line.indexOf('\r') < 0 ? line : line.replace('\r', ' ');
    }

    public void error(Span span, String message) {
        report(Severity.ERROR, span, message);
    }

    public void note(Span span, String message) {
        report(Severity.NOTE, span, message);
    }

    public void report(Severity severity, Span span, String message) {
        Diagnostic d = new Diagnostic(severity, span, message, lineOf(span));
        if (severity == Severity.ERROR) {
            droppingNotes = errors >= MAX_ERRORS && !reported.contains(d);
            if (droppingNotes) {
                dropped++;
                droppedFile = droppedFile == null ? span.file() : droppedFile;
                return;
            }
        } else if (droppingNotes) {
            return;
        }
        if (reported.add(d) && severity == Severity.ERROR) {
            errors++;
        }
    }

    private String lineOf(Span span) {
        List<String> lines = sourceLines.get(span.file());
        if (lines == null || span.line() < 1 || span.line() > lines.size()) {
            return "";
        }
        return lines.get(span.line() - 1);
    }

    public boolean hasErrors() {
        return errorCount() > 0;
    }

    /** Every distinct error reported, including those past {@link #MAX_ERRORS} that are not listed. */
    public int errorCount() {
        return errors + dropped;
    }

    /** In source order: files in the order they were read, then by line and column; a note stays after its error. */
    public List<Diagnostic> list() {
        List<List<Diagnostic>> groups = new ArrayList<>();
        for (Diagnostic d : reported) {
            if (d.severity() == Severity.NOTE && !groups.isEmpty()) {
                groups.get(groups.size() - 1).add(d);
            } else {
                groups.add(new ArrayList<>(List.of(d)));
            }
        }
        Comparator<Diagnostic> order = Comparator
                .<Diagnostic>comparingInt(d -> fileOrder.getOrDefault(d.span().file(), Integer.MAX_VALUE))
                .thenComparingInt(d -> d.span().line()).thenComparingInt(d -> d.span().column());
        groups.sort((a, b) -> order.compare(a.get(0), b.get(0)));
        if (dropped > 0) {
            groups.add(List.of(new Diagnostic(Severity.NOTE, Span.at(droppedFile, 0, 0),
                    "only the first " + MAX_ERRORS + " errors are shown, of " + errorCount(), "")));
        }
        return groups.stream().flatMap(List::stream).toList();
    }
}
