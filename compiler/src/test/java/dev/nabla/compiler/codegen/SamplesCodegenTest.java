package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.CompiledModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every model of every sample: compiled trainStep (forward and gradients) and predict against the Interpreter. */
class SamplesCodegenTest {

    static List<Path> samples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../samples"))) {
            return s.filter(p -> p.toString().endsWith(".nabla")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleMatchesInterpreterForwardAndBackward() throws IOException {
        List<Path> files = samples();
        assertFalse(files.isEmpty(), "no samples found");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            Compilation c = Compiler.compileFile(file);
            assertTrue(c.ok(), c.render());
            for (ModelIr model : c.models()) {
                for (boolean vector : new boolean[] {true, false}) {
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + " " + model.name() + " vector=" + vector,
                            () -> check(model, vector)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(ModelIr model, boolean vector) {
        Graph train = Autodiff.gradients(model.train());
        ModelClasses mc = ModelCompiler.compile(model, model.config().optimizer(), train);
        Harness.assertClassesVerify(mc);
        CompiledModel m = Harness.load(mc, vector);
        for (int batch : new int[] {1, 13}) {
            float[][] b = Harness.randomBuffers(m.spec(), 13, batch);
            float[][] before = Harness.copy(b);     // trainStep updates STATE buffers (batch norm) in place
            m.trainStep(b, batch);
            Harness.assertOutputsMatch(train, m.spec(), before, b, batch, 1e-5, 1e-4);
            // from the state the step started with: one row's running variance is n/(n-1) = 1/0
            for (int s : m.spec().indicesOf(dev.nabla.runtime.BufferRole.STATE)) {
                b[s] = before[s].clone();
            }
            m.predict(b, batch);
            Harness.assertOutputsMatch(model.inference(), m.spec(), b, batch, 1e-5, 1e-4);
        }
    }
}
