package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {

    private static final String CLASSIFIER = """
            model A {
                input x : f32[N, 4]
                target y : i32[N] classes 3
                logits = dense(x, 3)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y)
            }
            """;

    @Test
    void training_isTrueForTheTrainingGraphAndFalseForInference_andUpdatesAreTrainingOnly() {
        ModelIr m = Models.withBody("""
                    state seen : [4] = zeros
                    if training {
                        y = x * 3
                        update seen = 0.5 * seen + mean(x, axis = 0)
                    } else {
                        y = x - seen
                    }
                    output o = y
                """);
        assertEquals(1, Models.ops(m.train(), dev.nabla.compiler.ir.Op.MUL).stream()
                .filter(i -> i.out().name().equals("y")).count(), m.train().toString());
        assertEquals("sub", Models.named(m.inference(), "y").op().mnemonic());
        assertEquals(List.of("seen"), m.train().outputs(Graph.OutputRole.STATE_UPDATE).stream().map(Graph.Output::name).toList());
        assertTrue(m.inference().outputs(Graph.OutputRole.STATE_UPDATE).isEmpty());
        assertEquals(List.of("seen"), m.inference().inputs(Graph.InputRole.STATE).stream().map(i -> i.value().name()).toList());
    }

    @Test
    void inferenceGraph_hasNoTargetsNoLossAndNoDeadCode() {
        ModelIr m = Models.compile(CLASSIFIER);
        Graph inf = m.inference();
        assertEquals("A.inference", inf.name());
        assertTrue(inf.inputs(Graph.InputRole.TARGET).isEmpty());
        assertEquals(List.of("probs"), inf.outputs().stream().map(Graph.Output::name).toList());
        assertEquals(List.of("logits.mm", "logits", "probs"), inf.body().stream().map(i -> i.out().name()).toList());
        assertEquals(m.train().inputs(Graph.InputRole.PARAM), inf.inputs(Graph.InputRole.PARAM));
    }

    @Test
    void trainGraph_endsWithOutputsAndTheLossNamedLoss() {
        ModelIr m = Models.compile(CLASSIFIER);
        assertEquals("A.train", m.train().name());
        assertEquals(List.of(Graph.OutputRole.OUTPUT, Graph.OutputRole.LOSS),
                m.train().outputs().stream().map(Graph.Output::role).toList());
        assertEquals("loss", m.train().outputs(Graph.OutputRole.LOSS).get(0).name());
        assertEquals(Map.of("y", 3), m.targetClasses());
    }

    @Test
    void anyBatchSymbol_isTheBatchDimension() {
        ModelIr m = Models.compile(CLASSIFIER);
        assertEquals(Shape.of(Shape.BATCH, 4), m.train().inputs().get(0).value().shape());
    }

    @Test
    void severalModelsInAFile_areAllCompiledAndFoundByName() {
        Compilation c = Compiler.compileSource("two.nabla", CLASSIFIER + CLASSIFIER.replace("model A", "model B"));
        assertTrue(c.ok(), c.render());
        assertEquals(List.of("A", "B"), c.models().stream().map(ModelIr::name).toList());
        assertEquals("B", c.model("B").name());
        assertEquals("A", c.model(null).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.model("C"));
        assertEquals("no model named 'C' (models: A, B)", e.getMessage());
    }

    @Test
    void modelWithoutTargets_needsNoLoss() {
        ModelIr m = Models.withBody("output o = relu(x)");
        assertTrue(m.train().outputs(Graph.OutputRole.LOSS).isEmpty());
    }

    @Test
    void importedDefinitions_resolveRelativeToTheImportingFile(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/blocks.nabla"), """
                def mlp_block(x, units, activation = relu) {
                    param W : [dim(x, -1), units] = he_uniform
                    param b : [units] = zeros
                    return activation(x @ W + b)
                }
                """);
        Files.writeString(dir.resolve("main.nabla"), """
                import "lib/blocks.nabla"
                model M {
                    input x : f32[B, 4]
                    block1 = mlp_block(x, 5)
                    output o = block1
                }
                """);
        Compilation c = Compiler.compileFile(dir.resolve("main.nabla"));
        assertTrue(c.ok(), c.render());
        assertEquals(List.of("block1.W", "block1.b"), Models.paramNames(c.model(null)));
        assertTrue(c.model(null).train().inputs().get(1).span().file().endsWith("blocks.nabla"));
    }

    @Test
    void ownDefinition_shadowsTheStandardLibrary() {
        ModelIr m = Models.compile("""
                def dense(x, units) = x * units
                model M {
                    input x : f32[B, 4]
                    output o = dense(x, 3)
                }
                """);
        assertTrue(Models.paramNames(m).isEmpty());
    }

    /** Each loss with the value its formula gives on p = [0.5, -1, 2, 3], t = [1, 1, 0, 2.5], computed here. */
    static Stream<Arguments> regressionLosses() {
        double bce = 0;
        double[] p = {0.5, -1, 2, 3};
        double[] t = {1, 1, 0, 2.5};
        for (int i = 0; i < 4; i++) {
            bce += (Math.log1p(Math.exp(p[i])) - p[i] * t[i]) / 4;
        }
        return Stream.of(
                Arguments.of("mse(p, t)", (0.25 + 4 + 4 + 0.25) / 4),
                Arguments.of("mae(p, t)", (0.5 + 2 + 2 + 0.5) / 4),
                Arguments.of("binary_cross_entropy(p, t)", bce),
                Arguments.of("huber(p, t)", (0.125 + 1.5 + 1.5 + 0.125) / 4),
                Arguments.of("huber(p, t, delta = 0.5)", (0.125 + 0.875 + 0.875 + 0.125) / 4));
    }

    @ParameterizedTest
    @MethodSource("regressionLosses")
    void regressionLossesOfTheStandardLibrary_areTheScalarMeanOfTheirFormula(String loss, double expected) {
        ModelIr m = Models.compile("""
                model R {
                    input p : f32[B, 1]
                    target t : f32[B, 1]
                    output o = p * 2
                    loss = %s
                }
                """.formatted(loss));
        Graph.Output out = m.train().outputs(Graph.OutputRole.LOSS).get(0);
        assertTrue(out.value().shape().isScalar());
        Map<String, Tensor> in = Map.of(
                "p", new Tensor(new int[] {4, 1}, new double[] {0.5, -1, 2, 3}),
                "t", new Tensor(new int[] {4, 1}, new double[] {1, 1, 0, 2.5}));
        double value = Interpreter.run(m.train(), 4, in).get(out.name()).data()[0];
        assertEquals(expected, value, 1e-12, loss);
    }

    @Test
    void hingeLoss_takesIntegerLabels() {
        ModelIr m = Models.compile(CLASSIFIER.replace("cross_entropy(logits, y)", "hinge(logits, y)"));
        assertTrue(m.train().outputs(Graph.OutputRole.LOSS).get(0).value().shape().isScalar());
    }

    @Test
    void trainingAndInferenceGraphs_nameEveryValueUniquely() {
        ModelIr m = Models.compile(CLASSIFIER);
        for (Graph g : List.of(m.train(), m.inference())) {
            List<String> names = new java.util.ArrayList<>();
            g.inputs().forEach(i -> names.add(i.value().name()));
            g.body().forEach(i -> names.add(i.out().name()));
            assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        }
    }

    @Test
    void absurdlyDeepNesting_isReportedNotThrown() {
        String deep = "(".repeat(200_000) + "x" + ")".repeat(200_000);
        Compilation c = Compiler.compileSource("deep.nabla", "model M {\n input x : f32[B, 1]\n output o = " + deep + "\n}\n");
        assertEquals("deep.nabla: error: expressions are nested too deeply to compile\n", c.render());
    }
}
