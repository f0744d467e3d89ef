package dev.nabla.compiler.fuzz;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelCompiler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated samples through the whole compiler: every mutant either compiles (and then lowers to classes) or gets
 * diagnostics, never an internal exception. Mutations are the mistakes people and fuzzers make: deleted or duplicated
 * spans, swapped lines, numbers made 0, negative or huge, names replaced by other names of the file, stray tokens.
 * Seeded, so a failure names a reproducible mutant. {@link #main} runs the same at scale.
 */
class FrontEndFuzzTest {

    private static final String[] TOKENS = {"(", ")", "[", "]", "{", "}", ",", "=", ":", "-", "@", "*", "/", "+",
            "B", "0", "-1", "1e30", "999999999", "\"s\"", "training", "if", "else", "return", "param", "state",
            "update", "output", "loss", "def", "model", "x", "[:, 0, :]", "[:, -1]", "dropout(", "gru(", "\n"};

    static List<String> sources() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../samples"))) {
            List<String> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".nabla")).sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        }
    }

    static String mutate(String src, Random r) {
        StringBuilder s = new StringBuilder(src);
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = r.nextInt(s.length());
            int len = Math.min(s.length() - at, 1 + r.nextInt(12));
            switch (r.nextInt(6)) {
                case 0 -> s.delete(at, at + len);
                case 1 -> s.insert(at, s.substring(at, at + len));
                case 2 -> s.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 3 -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(s);
                    if (m.find(at) || m.find(0)) {
                        String[] numbers = {"0", "-3", "1", "65536", "2147483648", "99999999999"};
                        s.replace(m.start(), m.end(), numbers[r.nextInt(numbers.length)]);
                    }
                }
                case 4 -> {
                    String[] lines = s.toString().split("\n", -1);
                    int a = r.nextInt(lines.length);
                    int b = r.nextInt(lines.length);
                    String t = lines[a];
                    lines[a] = lines[b];
                    lines[b] = t;
                    s = new StringBuilder(String.join("\n", lines));
                }
                default -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[a-z_]{3,}").matcher(s);
                    List<String> names = new ArrayList<>();
                    while (m.find()) {
                        names.add(m.group());
                    }
                    m.reset();
                    if (!names.isEmpty() && m.find(at)) {
                        s.replace(m.start(), m.end(), names.get(r.nextInt(names.size())));
                    }
                }
            }
        }
        return s.toString();
    }

    /** Compiles one mutant; returns null when it behaved, else what went wrong. */
    static String check(String mutant) {
        try {
            Compilation c = Compiler.compileSource("fuzz.nabla", mutant);
            String rendered = c.render();
            if (!c.ok()) {
                return rendered.isEmpty() ? "rejected without a diagnostic" : null;
            }
            for (ModelIr m : c.models()) {
                ModelCompiler.compile(m, m.config().optimizer());
            }
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            return e.toString();
        }
    }

    @Test
    void mutatedSamples_compileOrGetDiagnostics_neverAnInternalError() throws IOException {
        List<String> sources = sources();
        assertFalse(sources.isEmpty());
        Random r = new Random(20261130);
        for (int i = 0; i < 600; i++) {
            String mutant = mutate(sources.get(r.nextInt(sources.size())), r);
            String problem = check(mutant);
            if (problem != null) {
                fail("mutant " + i + ": " + problem + "\n---\n" + mutant);
            }
        }
    }

    /** At scale: {@code java ... FrontEndFuzzTest COUNT SEED}; prints every failing mutant and a count. */
    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Random r = new Random(args.length > 1 ? Long.parseLong(args[1]) : 1);
        List<String> sources = sources();
        int failures = 0;
        for (int i = 0; i < count; i++) {
            String mutant = mutate(sources.get(r.nextInt(sources.size())), r);
            String problem = check(mutant);
            if (problem != null) {
                failures++;
                System.out.println("mutant " + i + ": " + problem + "\n---\n" + mutant + "\n===");
            }
        }
        System.out.println(count + " mutants, " + failures + " internal errors");
    }
}
