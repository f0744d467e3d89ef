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
 * inlined twice) are reported once.
 */
public final class Diagnostics {

    private final Map<String, List<String>> sourceLines = new HashMap<>();
    private final Map<String, Integer> fileOrder = new HashMap<>();
    private final Set<Diagnostic> reported = new LinkedHashSet<>();

    public void addSource(String file, String text) {
        sourceLines.put(file, text.lines().toList());
        fileOrder.putIfAbsent(file, fileOrder.size());
    }

    public void error(Span span, String message) {
        report(Severity.ERROR, span, message);
    }

    public void note(Span span, String message) {
        report(Severity.NOTE, span, message);
    }

    public void report(Severity severity, Span span, String message) {
        reported.add(new Diagnostic(severity, span, message, lineOf(span)));
    }

    private String lineOf(Span span) {
        List<String> lines = sourceLines.get(span.file());
        if (lines == null || span.line() < 1 || span.line() > lines.size()) {
            return "";
        }
        return lines.get(span.line() - 1);
    }

    public boolean hasErrors() {
        return reported.stream().anyMatch(Diagnostic::isError);
    }

    public int errorCount() {
        return (int) reported.stream().filter(Diagnostic::isError).count();
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
        return groups.stream().flatMap(List::stream).toList();
    }
}
