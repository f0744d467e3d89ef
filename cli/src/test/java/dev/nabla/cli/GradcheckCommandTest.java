package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradcheckCommandTest {

    private static final String MODEL = """
            model Tiny {
                input x : f32[B, 3]
                target y : i32[B] classes 2
                hidden = dense(x, 4, activation = tanh)
                logits = dense(hidden, 2)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y) + l2(weights, 1e-3)
            }
            """;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String tinyFile() throws IOException {
        Path f = dir.resolve("tiny.nabla");
        Files.writeString(f, MODEL);
        return f.toString();
    }

    @Test
    void gradcheckOfCorrectModel_printsEveryParameterOkAndExitsZero() throws IOException {
        Run r = run("gradcheck", tinyFile(), "--seed", "3");
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String p : new String[] {"hidden.W", "hidden.b", "logits.W", "logits.b"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(p + " ") && l.endsWith("OK")), r.out());
        }
        assertTrue(r.out().contains("all 4 parameters within tolerance"), r.out());
    }

    @Test
    void gradcheckWithToleranceNoFiniteDifferenceMeets_reportsFailAndExitsOne() throws IOException {
        Run r = run("gradcheck", tinyFile(), "--tolerance", "1e-300");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL"), r.out());
    }

    @Test
    void gradcheckOfUnknownModel_namesTheModelsThereAre() throws IOException {
        Run r = run("gradcheck", tinyFile(), "--model", "Nope");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no model named 'Nope'") && r.err().contains("Tiny"), r.err());
    }

    @Test
    void gradcheckOfFileWithErrors_printsDiagnosticsAndExitsOne() throws IOException {
        Path f = dir.resolve("bad.nabla");
        Files.writeString(f, "model Bad {\n    input x : f32[B, 3]\n    loss = sum(undefined_name)\n}\n");
        Run r = run("gradcheck", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("bad.nabla:3"), r.err());
    }
}
