package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.autodiff.GradCheck;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one corpus runner. Every model of every {@code .nabla} file in {@code samples/} and in the test corpus
 * ({@code src/test/resources/corpus/}, models that reach what the samples do not: every activation, a softmax in
 * the middle, strided, dilated and padded convolutions, average and global pooling, slicing, concat, stack, a GRU
 * over every step, dropout and Gaussian dropout, and the regression and hinge losses) runs under:
 * <ul>
 *   <li>the reference interpreter, in double: the expected values;</li>
 *   <li>the vector and the scalar bytecode, with every pass and with none, at batch 1 and 13: the training step
 *       (loss, every gradient, state updates) and predict;</li>
 *   <li>the vector bytecode with each single pass switched off;</li>
 *   <li>finite differences of the interpreter's loss against every symbolic gradient.</li>
 * </ul>
 * Compiled results are compared element by element ({@link Harness#assertEveryElementMatches}), never against a
 * tolerance scaled by the tensor's largest entry. A new sample or corpus file is covered by adding the file.
 */
class CorpusTest {

    /** float32 kernels against the double interpreter: an absolute floor for values that cancel to near zero. */
    private static final double ATOL = 2e-5;
    private static final double RTOL = 2e-4;
    /** Finite differences (double precision, central, step 1e-5): the worst relative error allowed. */
    private static final double FD_TOLERANCE = 1e-4;

    static List<Path> corpus() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("../samples"), Path.of("src/test/resources/corpus"))) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".nabla")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void theCorpusHoldsEverySampleAndTheTestModels() throws IOException {
        List<Path> files = corpus();
        long samples = files.stream().filter(p -> p.startsWith("../samples")).count();
        assertTrue(samples >= 12, "samples found: " + samples);
        assertTrue(files.size() >= samples + 5, "corpus files found: " + (files.size() - samples));
    }

    @TestFactory
    Stream<DynamicNode> everyModelOfTheCorpus() throws IOException {
        List<DynamicNode> files = new ArrayList<>();
        for (Path file : corpus()) {
            Compilation c = Compiler.compileFile(file);
            assertTrue(c.ok(), file + "\n" + c.render());
            for (ModelIr model : c.models()) {
                files.add(DynamicContainer.dynamicContainer(file.getFileName() + " " + model.name(), tests(model)));
            }
        }
        return files.stream();
    }

    private static Stream<DynamicNode> tests(ModelIr model) {
        List<DynamicNode> tests = new ArrayList<>();
        for (boolean vector : new boolean[] {true, false}) {
            for (boolean passes : new boolean[] {true, false}) {
                String name = (vector ? "vector" : "scalar") + " bytecode, " + (passes ? "every pass" : "no pass");
                Set<String> disabled = passes ? Set.of() : new HashSet<>(Passes.names());
                tests.add(DynamicTest.dynamicTest(name, () -> compiledMatchesInterpreter(model, vector, disabled,
                        new int[] {1, 13}, true)));
            }
        }
        for (String off : Passes.names()) {
            tests.add(DynamicTest.dynamicTest("vector bytecode without " + off,
                    () -> compiledMatchesInterpreter(model, true, Set.of(off), new int[] {5}, false)));
        }
        if (model.train().outputs(Graph.OutputRole.LOSS).size() == 1) {
            tests.add(DynamicTest.dynamicTest("finite differences", () -> finiteDifferences(model)));
        }
        return tests.stream();
    }

    /**
     * One training step and one predict of the compiled model equal the interpreter on the unoptimized graphs (the
     * training graph with its gradients, the inference graph), element by element.
     */
    private static void compiledMatchesInterpreter(ModelIr model, boolean vector, Set<String> disabled, int[] batches,
                                                   boolean verifyClasses) {
        Graph train = Autodiff.gradients(model.train());
        ModelClasses mc = ModelCompiler.compile(model, model.config().optimizer(), disabled);
        if (verifyClasses) {
            Harness.assertClassesVerify(mc);
        }
        CompiledModel m = Harness.load(mc, vector);
        int maxBatch = java.util.Arrays.stream(batches).max().orElseThrow();
        for (int batch : batches) {
            float[][] b = Harness.randomBuffers(m.spec(), maxBatch, 31L * batch + 7);
            float[][] before = Harness.copy(b);     // trainStep updates STATE buffers (batch norm) in place
            m.trainStep(b, batch);
            long compared = Harness.assertEveryElementMatches(train, m.spec(), before, b, batch, ATOL, RTOL);
            assertTrue(compared > 0, "nothing compared");
            // predict from the state the step started with: a batch of 1 gives a running variance of n/(n-1) = 1/0
            for (int s : m.spec().indicesOf(BufferRole.STATE)) {
                b[s] = before[s].clone();
            }
            m.predict(b, batch);
            Harness.assertEveryElementMatches(model.inference(), m.spec(), b, b, batch, ATOL, RTOL);
        }
    }

    /**
     * Every symbolic gradient against central differences of the interpreter's loss; parameters of more than
     * {@code limit} elements are checked along random directions and at sampled coordinates.
     */
    private static void finiteDifferences(ModelIr model) {
        long parameters = model.train().inputs(Graph.InputRole.PARAM).stream()
                .mapToLong(p -> p.value().shape().numel(1)).sum();
        int limit = parameters <= 20_000 ? GradCheck.FULL_CHECK_LIMIT : 60;
        List<GradCheck.Result> results = GradCheck.check(model.train(), model.targetClasses(), 7, FD_TOLERANCE, 2, limit);
        assertEquals(model.train().inputs(Graph.InputRole.PARAM).size(), results.size());
        for (GradCheck.Result r : results) {
            assertTrue(r.ok(), model.name() + ": " + r);
        }
    }
}
