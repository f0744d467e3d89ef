package dev.nabla.cli;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.init.Initializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model with parameters and outputs but no target or loss: it compiles and predicts; training is refused clearly. */
class NoLossModelCommandTest {

    @TempDir
    static Path dir;
    static String model;

    @BeforeAll
    static void writeModel() throws IOException {
        Path file = dir.resolve("embedder.nabla");
        Files.writeString(file, """
                model Embedder {
                    input x : f32[B, 4]
                    h = dense(x, 3)
                    output o = softmax(h)
                }
                """);
        model = file.toString();
        Files.writeString(dir.resolve("rows.csv"), "1,2,3,4\n0,0,0,1\n");
    }

    private static void assertRefused(CliRun run, String expected) {
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("internal error") || run.err().contains("\tat "), run.err());
    }

    @Test
    void compileAndInspection_work() {
        CliRun compile = CliRun.of("compile", model);
        assertEquals(0, compile.exit(), compile.err());
        CliRun stats = CliRun.of("ir", model, "--stats");
        assertEquals(0, stats.exit(), stats.err());
        CliRun summary = CliRun.of("summary", model);
        assertEquals(0, summary.exit(), summary.err());
        assertTrue(summary.out().contains("no loss"), summary.out());
    }

    @Test
    void predict_runsTheInferenceGraph() throws IOException {
        ModelIr ir = Compiler.compileFile(Path.of(model)).model(null);
        CompiledModel m = CompiledModels.load(ir, null);
        float[][] buffers = m.spec().allocate(1);
        Initializer.initialize(m.spec(), buffers, 1);
        Path weights = dir.resolve("embedder.safetensors");
        Checkpoint.save(weights, m.spec(), buffers, Map.of());
        CliRun run = CliRun.of("predict", model, "--weights", weights.toString(), "--input", dir.resolve("rows.csv").toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(3, run.out().strip().split("\n").length, run.out());
    }

    @Test
    void trainingCommands_sayTheModelHasNoLoss() {
        String rows = dir.resolve("rows.csv").toString();
        assertRefused(CliRun.of("train", model, "--data", rows), "model Embedder has no loss, so it cannot be trained");
        assertRefused(CliRun.of("lr-find", model, "--data", rows), "model Embedder has no loss, so it cannot be trained");
        assertRefused(CliRun.of("eval", model, "--weights", "w.safetensors", "--data", rows),
                "model Embedder has no loss, so it cannot be evaluated");
        assertRefused(CliRun.of("gradcheck", model), "model Embedder has no loss, so it cannot be differentiated");
        assertRefused(CliRun.of("ir", model, "--grad"), "--grad differentiates the loss, and model Embedder has none");
    }
}
