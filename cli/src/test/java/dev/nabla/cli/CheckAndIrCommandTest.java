package dev.nabla.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckAndIrCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void check_allSamples_printsOkAndExitsZero() {
        int code = Main.run("check", "../samples/iris.nabla", "../samples/digits.nabla", "../samples/fashion_mlp.nabla");
        assertEquals(0, code, err());
        assertEquals("../samples/iris.nabla: ok\n../samples/digits.nabla: ok\n../samples/fashion_mlp.nabla: ok\n", out());
    }

    @Test
    void check_brokenSample_reportsLineAndColumnWithoutStackTrace(@TempDir Path dir) throws IOException {
        String broken = Files.readString(Path.of("../samples/iris.nabla")).replace("dense(hidden, 3", "dense(hiden, 3");
        Path file = dir.resolve("iris.nabla");
        Files.writeString(file, broken);
        assertEquals(1, Main.run("check", file.toString()));
        assertTrue(err().startsWith(file + ":7:20: error: unknown name 'hiden'; did you mean 'hidden'?\n"
                + "    logits = dense(hiden, 3, init = glorot_uniform)\n"
                + "                   ^\n"), err());
        assertFalse(err().contains("Exception") || err().contains("\tat "), err());
        assertEquals("", out());
    }

    @Test
    void check_missingFile_isAUserErrorWithExitOne() {
        assertEquals(1, Main.run("check", "no/such/file.nabla"));
        assertEquals("no/such/file.nabla: error: cannot read no/such/file.nabla: no such file\n", err());
    }

    /** Every model file of samples/, found by listing it, so a new sample is covered without editing a list. */
    static java.util.stream.Stream<String> samples() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("../samples"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".nabla"))
                    .map(n -> n.substring(0, n.length() - ".nabla".length())).sorted().toList();
            assertTrue(names.size() >= 12 && names.contains("fashion_convnet"), names.toString());
            return names.stream();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("samples")
    void irDot_printsAGraphvizDigraphForEverySample(String sample) {
        assertEquals(0, Main.run("ir", "../samples/" + sample + ".nabla", "--format", "dot", "--graph", "inference"), err());
        assertTrue(out().startsWith("digraph \""), out());
        assertTrue(out().contains("[shape=diamond,label=\"output "), out());
        assertFalse(out().contains("loss"), "the inference graph has no loss");
    }

    @Test
    void irText_printsTheTrainingGraphByDefault() {
        assertEquals(0, Main.run("ir", "../samples/iris.nabla"), err());
        assertTrue(out().startsWith("graph Iris.train {\n  input %x : f32[B,4]  @iris.nabla:3:11\n"), out());
        assertTrue(out().contains("  loss loss = %loss\n"), out());
    }

    @Test
    void ir_unknownModel_namesTheModelsAndExitsOne() {
        assertEquals(1, Main.run("ir", "../samples/iris.nabla", "--model", "Irs"));
        assertEquals("nabla: error: ../samples/iris.nabla: no model named 'Irs' (models: Iris)\n", err());
    }
}
