package dev.nabla.compiler;

import dev.nabla.compiler.diag.Diagnostic;
import dev.nabla.compiler.ir.Verifier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever the input, the compiler answers with models or positioned diagnostics, never an exception. */
class RobustnessProperties {

    private static final List<String> SAMPLES = Samples.names();
    private static final List<String> TOKENS = List.of("model", "def", "param", "input", "target", "output", "loss",
            "train", "return", "import", "classes", "true", "false", "x", "y", "h", "B", "dense", "relu", "softmax",
            "cross_entropy", "l2", "weights", "params", "dim", "reshape", "sum", "f32", "i32", "adam", "csv", "0", "1",
            "3", "-1", "0.5", "1e-4", "\"a.nabla\"", "\"*\"", "+", "-", "*", "/", "@", ">", "<", "==", "=", ":", ",",
            ";", "(", ")", "[", "]", "{", "}", "\n", "\n", "// c\n", "/* c */", "$", "\"open");

    private static String sample(String name) {
        try {
            return Files.readString(Path.of("../samples", name + ".nabla"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compilesOrReports(String source) {
        Compilation c = Compiler.compileSource("fuzz.nabla", source);
        long lines = source.lines().count() + 1;
        for (Diagnostic d : c.diagnostics()) {
            if (d.span().file().equals("fuzz.nabla")) {
                assertTrue(d.span().line() >= 1 && d.span().line() <= lines, d.render());
            }
        }
        for (ModelIr m : c.models()) {
            Verifier.verify(m.train());
            Verifier.verify(m.inference());
        }
        if (!c.ok()) {
            assertFalse(c.render().isEmpty());
            assertFalse(c.render().contains("Exception"), c.render());
        }
    }

    @Property(tries = 300)
    void tokenSoup_isCompiledOrReported(@ForAll("soups") String source) {
        compilesOrReports(source);
    }

    @Property(tries = 300)
    void mutatedSample_isCompiledOrReported(@ForAll("mutants") String source) {
        compilesOrReports(source);
    }

    @Provide
    Arbitrary<String> soups() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(60).map(ts -> String.join(" ", ts));
    }

    @Provide
    Arbitrary<String> mutants() {
        Arbitrary<String> base = Arbitraries.of(SAMPLES).map(RobustnessProperties::sample);
        return base.flatMap(text -> mutation(text).list().ofMinSize(1).ofMaxSize(4).map(ms -> {
            String out = text;
            for (Mutation m : ms) {
                out = m.apply(out);
            }
            return out;
        }));
    }

    /** One edit at a relative position (0..1) of the text, so it stays in range after earlier edits. */
    private record Mutation(int kind, double at, double to, String piece) {
        String apply(String s) {
            if (s.isEmpty()) {
                return piece;
            }
            int i = (int) (at * s.length());
            int j = Math.min(s.length(), i + 1 + (int) (to * 12));
            return switch (kind) {
                case 0 -> s.substring(0, i) + s.substring(j);
                case 1 -> s.substring(0, i) + piece + s.substring(i);
                case 2 -> j - i >= 2 ? s.substring(0, i) + s.charAt(j - 1) + s.substring(i + 1, j - 1) + s.charAt(i)
                        + s.substring(j) : s;
                default -> s.substring(0, i) + s.substring(i, j) + s.substring(i);
            };
        }
    }

    private static Arbitrary<Mutation> mutation(String text) {
        Arbitrary<String> pieces = Arbitraries.oneOf(Arbitraries.of(TOKENS),
                Arbitraries.strings().withChars("()[]{}=,:@*+-/\n\"0123456789abBxW._ ").ofMaxLength(4));
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 0.99),
                Arbitraries.doubles().between(0, 1), pieces).as(Mutation::new);
    }
}
