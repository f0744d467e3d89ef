package dev.nabla.compiler.diag;

import dev.nabla.compiler.ir.Span;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DiagnosticsTest {

    @Test
    void render_showsPositionMessageSourceLineAndCaret() {
        Diagnostics d = new Diagnostics();
        d.addSource("samples/iris.nabla", "line one\n    h = x @ W\n");
        d.error(Span.at("samples/iris.nabla", 2, 11), "bad");
        assertEquals("samples/iris.nabla:2:11: error: bad\n    h = x @ W\n          ^\n", d.list().get(0).render());
    }

    @Test
    void caret_keepsTabsSoItLinesUp() {
        Diagnostics d = new Diagnostics();
        d.addSource("t.nabla", "\th = y\n");
        d.error(Span.at("t.nabla", 1, 6), "m");
        assertEquals("\th = y\n\t    ^", d.list().get(0).render().lines().skip(1).reduce((a, b) -> a + "\n" + b).orElseThrow());
    }

    @Test
    void list_isInSourceOrderWithNotesAfterTheirError() {
        Diagnostics d = new Diagnostics();
        d.addSource("a.nabla", "1\n2\n3\n");
        d.error(Span.at("a.nabla", 3, 1), "third");
        d.note(Span.at("a.nabla", 1, 1), "note of third");
        d.error(Span.at("a.nabla", 2, 1), "second");
        assertEquals(List.of("second", "third", "note of third"), d.list().stream().map(Diagnostic::message).toList());
    }

    @Test
    void identicalDiagnostics_areReportedOnce() {
        Diagnostics d = new Diagnostics();
        d.error(Span.at("a.nabla", 1, 1), "same");
        d.error(Span.at("a.nabla", 1, 1), "same");
        assertEquals(1, d.errorCount());
    }

    @Test
    void closest_prefersTypoLikeCandidatesAndIgnoresFarOnes() {
        assertEquals("hidden1", Suggestions.closest("hiden1", List.of("hidden1", "hidden2x", "x")).orElseThrow());
        assertEquals("units", Suggestions.closest("unit", List.of("init", "units")).orElseThrow());
        assertEquals("relu", Suggestions.closest("rleu", List.of("relu", "tanh")).orElseThrow());
        assertEquals(java.util.Optional.empty(), Suggestions.closest("x", List.of("y", "B")));
        assertEquals(java.util.Optional.empty(), Suggestions.closest("learning_rate", List.of("lr", "eps")));
    }
}
