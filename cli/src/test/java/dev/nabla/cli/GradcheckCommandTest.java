package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

    private String tinyFile() throws IOException {
        Path f = dir.resolve("tiny.nabla");
        Files.writeString(f, MODEL);
        return f.toString();
    }

    @Test
    void gradcheckOfCorrectModel_printsEveryParameterOkAndExitsZero() throws IOException {
        CliRun r = CliRun.of("gradcheck", tinyFile(), "--seed", "3");
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String p : new String[] {"hidden.W", "hidden.b", "logits.W", "logits.b"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(p + " ") && l.endsWith("OK")), r.out());
        }
        assertTrue(r.out().contains("all 4 parameters within tolerance"), r.out());
    }

    @Test
    void gradcheckWithToleranceNoFiniteDifferenceMeets_reportsFailAndExitsOne() throws IOException {
        CliRun r = CliRun.of("gradcheck", tinyFile(), "--tolerance", "1e-300");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL"), r.out());
    }

    @Test
    void gradcheckOfUnknownModel_namesTheModelsThereAre() throws IOException {
        CliRun r = CliRun.of("gradcheck", tinyFile(), "--model", "Nope");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no model named 'Nope'") && r.err().contains("Tiny"), r.err());
    }

    @Test
    void gradcheckOfFileWithErrors_printsDiagnosticsAndExitsOne() throws IOException {
        Path f = dir.resolve("bad.nabla");
        Files.writeString(f, "model Bad {\n    input x : f32[B, 3]\n    loss = sum(undefined_name)\n}\n");
        CliRun r = CliRun.of("gradcheck", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("bad.nabla:3"), r.err());
    }
}
