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

    /**
     * Every sample compiled with all passes and with each single pass switched off computes what the interpreter
     * computes on the unoptimized graphs (vector kernels, one batch size: the kernel families are covered above).
     */
    @TestFactory
    Stream<DynamicTest> everySampleWithEachPassOff_givesTheSameResults() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<String> configs = new ArrayList<>(List.of("none"));
        configs.addAll(dev.nabla.compiler.passes.Passes.names());
        for (Path file : samples()) {
            ModelIr model = Compiler.compileFile(file).model(null);
            for (String off : configs) {
                tests.add(DynamicTest.dynamicTest(file.getFileName() + " without " + off, () -> {
                    java.util.Set<String> disabled = off.equals("none") ? java.util.Set.of() : java.util.Set.of(off);
                    CompiledModel m = Harness.load(ModelCompiler.compile(model, model.config().optimizer(), disabled), true);
                    Graph train = Autodiff.gradients(model.train());
                    float[][] b = Harness.randomBuffers(m.spec(), 5, 5);
                    float[][] before = Harness.copy(b);
                    m.trainStep(b, 5);
                    Harness.assertOutputsMatch(train, m.spec(), before, b, 5, 1e-5, 1e-4);
                    for (int st : m.spec().indicesOf(dev.nabla.runtime.BufferRole.STATE)) {
                        b[st] = before[st].clone();
                    }
                    m.predict(b, 5);
                    Harness.assertOutputsMatch(model.inference(), m.spec(), b, 5, 1e-5, 1e-4);
                }));
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
