package dev.nabla.compiler.diag;

import dev.nabla.compiler.ir.Span;
import org.junit.jupiter.api.Test;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void loneCarriageReturn_doesNotEndALine_asForTheLexer() {
        // The lexer sees "model M {\r  input" as one line: the unknown name on line 2 must show line 2's text.
        Compilation c = Compiler.compileSource("cr.nabla", "model M {\r  input x : f32[B, 4]\r\n  output y = foo(x)\n}\n");
        Diagnostic d = c.diagnostics().stream().filter(x -> x.message().contains("foo")).findFirst().orElseThrow();
        assertEquals(2, d.span().line());
        assertEquals("  output y = foo(x)", d.sourceLine());
        assertEquals('f', d.sourceLine().charAt(d.span().column() - 1));
        assertEquals(List.of("a b", "c", "", "d"), Diagnostics.linesAsTheLexerCountsThem("a\rb\r\nc\n\nd"));
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

    @Test
    void render_longLine_showsAWindowAroundTheCaret() {
        Diagnostics d = new Diagnostics();
        String line = "a".repeat(500) + " @ " + "b".repeat(500);
        d.addSource("t.nabla", line);
        d.error(Span.at("t.nabla", 1, 502), "m");
        String shown = "..." + "a".repeat(59) + " @ " + "b".repeat(58) + "...";
        assertEquals("t.nabla:1:502: error: m\n" + shown + "\n" + " ".repeat(63) + "^\n", d.list().get(0).render());
    }

    @Test
    void render_caretPastTheEndOfALongLine_staysUnderTheWindow() {
        Diagnostics d = new Diagnostics();
        d.addSource("t.nabla", "x".repeat(1000));
        d.error(Span.at("t.nabla", 1, 1001), "m");
        String[] lines = d.list().get(0).render().split("\n");
        assertEquals("..." + "x".repeat(60), lines[1]);
        assertEquals(" ".repeat(63) + "^", lines[2]);
    }

    @Test
    void errors_pastTheHundredth_areCountedButNotListed() {
        Diagnostics d = new Diagnostics();
        for (int i = 1; i <= 250; i++) {
            d.error(Span.at("a.nabla", i, 1), "error " + i);
            d.note(Span.at("a.nabla", i, 1), "note " + i);
        }
        List<Diagnostic> list = d.list();
        assertEquals(250, d.errorCount());
        assertEquals(2 * Diagnostics.MAX_ERRORS + 1, list.size());
        assertEquals("note 100", list.get(list.size() - 2).message());
        assertEquals("a.nabla: note: only the first 100 errors are shown, of 250\n", list.get(list.size() - 1).render());
    }

    @Test
    void oneLineFileWithThousandsOfErrors_rendersAFewKilobytes() {
        String source = "model M { input x : f32[B, 4]; " + "a = nope; ".repeat(3000) + "output o = x }";
        Compilation c = Compiler.compileSource("long.nabla", source);
        String rendered = c.render();
        assertTrue(rendered.length() < 50_000, "rendered " + rendered.length() + " characters");
        String end = rendered.substring(Math.max(0, rendered.length() - 300));
        assertTrue(end.matches("(?s).*\nlong\\.nabla: note: only the first 100 errors are shown, of [0-9]{4}\n"), end);
    }

    @Test
    void closest_toAHugeIdentifier_isCheapAndStillFindsTheTypo() {
        String huge = "w".repeat(120_000);
        String typo = "v" + huge.substring(1);
        String far = "vvvv" + huge.substring(4);
        // a full n-by-m matrix here would be 120,000 squared ints: tens of gigabytes
        assertTrue(Suggestions.closest(typo, List.of(huge, "x", "relu")).filter(huge::equals).isPresent());
        assertTrue(Suggestions.closest(huge, List.of(far, "w".repeat(60_000))).isEmpty());
    }

    @Test
    void boundedDistance_agreesWithTheFullMatrix() {
        Random r = new Random(7);
        for (int t = 0; t < 5000; t++) {
            String a = randomWord(r);
            String b = r.nextBoolean() ? randomWord(r) : mutate(a, r);
            int max = r.nextInt(5);
            assertEquals(Math.min(fullDistance(a, b), max + 1), Suggestions.distance(a, b, max), a + " / " + b + " max " + max);
        }
    }

    private static String randomWord(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(9); i > 0; i--) {
            s.append((char) ('a' + r.nextInt(3)));
        }
        return s.toString();
    }

    private static String mutate(String a, Random r) {
        StringBuilder s = new StringBuilder(a);
        for (int k = r.nextInt(4); k > 0 && s.length() > 1; k--) {
            int i = r.nextInt(s.length() - 1);
            switch (r.nextInt(3)) {
                case 0 -> s.deleteCharAt(i);
                case 1 -> s.insert(i, 'c');
                default -> {
                    char c = s.charAt(i);
                    s.setCharAt(i, s.charAt(i + 1));
                    s.setCharAt(i + 1, c);
                }
            }
        }
        return s.toString();
    }

    /** The textbook optimal-string-alignment matrix, as the reference. */
    private static int fullDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
