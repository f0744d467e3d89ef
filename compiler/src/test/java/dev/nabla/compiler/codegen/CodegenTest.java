package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.lower.Lowering;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodegenTest {

    private static final OptimizerSpec SGD = OptimizerSpec.sgd(0.1, 0.9, 0);

    /** The elementwise-fusion pass marks inline exactly the ops lowering can compute as expressions. */
    @Test
    void theExpressionOps_areTheOpsLoweredAsExpressions() {
        java.util.Set<Op> expressions = java.util.EnumSet.noneOf(Op.class);
        for (Op op : Op.values()) {
            if (op.expression()) {
                expressions.add(op);
            }
        }
        assertEquals(expressions, Lowering.expressionOps());
    }

    @Test
    void everyOpHasALoweringRule() {
        for (Op op : Op.values()) {
            assertTrue(Lowering.rules().containsKey(op), op + " has no lowering");
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void mlpTrainStepLossOutputsAndGradientsMatchReference(boolean vector) {
        ModelIr model = Graphs.mlp(true);
        ModelClasses mc = ModelCompiler.compile(model, SGD);
        CompiledModel m = Harness.load(mc, vector);
        for (int batch : new int[] {1, 5, 37}) {
            float[][] b = Harness.randomBuffers(m.spec(), 40, batch);
            m.trainStep(b, batch);
            Harness.assertOutputsMatch(model.train(), m.spec(), b, batch, 1e-5, 1e-4);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void mlpPredictMatchesReference(boolean vector) {
        ModelIr model = Graphs.mlp(true);
        CompiledModel m = Harness.load(ModelCompiler.compile(model, SGD), vector);
        float[][] b = Harness.randomBuffers(m.spec(), 33, 7);
        m.predict(b, 33);
        Harness.assertOutputsMatch(model.inference(), m.spec(), b, 33, 1e-5, 1e-4);
    }

    @Test
    void onlyTheVectorFamilyMentionsVectorApiTypes() {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        mc.classes().forEach((name, bytes) -> {
            boolean mentions = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/");
            boolean vectorKernels = name.matches(".*\\$V\\d+");
            assertEquals(vectorKernels, mentions, name);
        });
    }

    @Test
    void mlpClassesPassCheckClassAdapter() {
        Harness.assertClassesVerify(ModelCompiler.compile(Graphs.mlp(true), SGD));
    }

    @Test
    void listingShowsFusedGemmEpilogueAndLoops() {
        String listing = ModelCompiler.compile(Graphs.mlp(true), SGD).listing();
        assertTrue(listing.contains("relu(x @ h.W + h.b)"), listing);
        assertTrue(listing.contains("for i1 < " + Graphs.CLASSES), listing);
    }

    @Test
    void longChainsSplitIntoSeveralKernelClassesAndStillMatchReference() {
        GraphBuilder b = new GraphBuilder("Long");
        Span s = Span.at("long.nabla", 4, 1);
        Value v = b.input("x", TensorType.f32(Shape.BATCH, 6),
                Graph.InputRole.INPUT, null, s);
        for (int i = 0; i < 2 * ClassEmitter.KERNELS_PER_CLASS; i++) {
            v = b.add(Op.SOFTMAX, List.of(b.add(Op.TANH, s, "t", v)), new Attr.Axis(1), s, "p");
        }
        b.output("y", v, Graph.OutputRole.OUTPUT);
        Graph g = b.build();
        ModelClasses mc = ModelCompiler.compile(new ModelIr("Long", "long.nabla", g, g, TrainConfig.EMPTY,
                Map.of()), SGD);
        // Predict's 2 * KERNELS_PER_CLASS kernels fill two classes; trainStep (the same graph, no loss) shares them.
        assertTrue(mc.classes().containsKey("dev.nabla.generated.Long$S1"), mc.classes().keySet().toString());
        assertFalse(mc.classes().containsKey("dev.nabla.generated.Long$S2"), mc.classes().keySet().toString());
        Harness.assertClassesVerify(mc);
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            float[][] buf = Harness.randomBuffers(m.spec(), 9, 2);
            m.predict(buf, 9);
            Harness.assertOutputsMatch(g, m.spec(), buf, 9, 1e-5, 1e-4);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void stateUpdatesAreWrittenToTheirStateBufferAfterEveryRead(boolean vector) {
        Span s = Span.at("state.nabla", 2, 1);
        GraphBuilder b = new GraphBuilder("State.train");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 3), Graph.InputRole.INPUT, null, s);
        Value w = b.input("w", TensorType.f32(3), Graph.InputRole.PARAM, dev.nabla.runtime.InitSpec.of(
                dev.nabla.runtime.InitSpec.Kind.ONES), s);
        Value st = b.input("running", TensorType.f32(3), Graph.InputRole.STATE, dev.nabla.runtime.InitSpec.of(
                dev.nabla.runtime.InitSpec.Kind.ZEROS), s);
        Value y = b.add(Op.ADD, s, "y", b.add(Op.MUL, s, "xw", x, w), st);
        b.output("y", y, Graph.OutputRole.OUTPUT);
        b.output("loss", b.add(Op.MEAN, List.of(b.add(Op.MUL, s, "sq", y, y)), new Attr.Axes(List.of(0, 1), false), s, "l"),
                Graph.OutputRole.LOSS);
        Value mean = b.add(Op.MEAN, List.of(x), new Attr.Axes(List.of(0), false), s, "m");
        b.output("running", b.add(Op.ADD, s, "next", b.add(Op.MUL, s, "decay", st, b.constant(0.9, Shape.SCALAR, s)), mean),
                Graph.OutputRole.STATE_UPDATE);
        b.output("late", b.add(Op.MUL, s, "late", st, b.constant(2, Shape.SCALAR, s)), Graph.OutputRole.OUTPUT);
        Graph train = b.build();
        ModelIr model = new ModelIr("State", "state.nabla", train, train, TrainConfig.EMPTY, Map.of());
        Graph withGrads = dev.nabla.compiler.autodiff.Autodiff.gradients(train);
        CompiledModel m = Harness.load(ModelCompiler.compile(model, SGD, withGrads), vector);
        float[][] buf = Harness.randomBuffers(m.spec(), 6, 3);
        float[][] before = Arrays.stream(buf).map(float[]::clone).toArray(float[][]::new);
        m.trainStep(buf, 6);
        Harness.assertOutputsMatch(withGrads, m.spec(), before, buf, 6, 1e-5, 1e-4);
    }

    @Test
    void sampleDenseLayerKernelNamesTheModelFileAndCallLineInStackTraces() {
        ModelIr model = dev.nabla.compiler.Compiler.compileFile(java.nio.file.Path.of("../samples/fashion_mlp.nabla"))
                .model("FashionMlp");
        CompiledModel m = Harness.load(ModelCompiler.compile(model, model.config().optimizer()), true);
        float[][] b = Harness.randomBuffers(m.spec(), 4, 1);
        b[m.spec().indexOf("hidden1.b")] = new float[1];
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> m.predict(b, 4));
        StackTraceElement kernel = Arrays.stream(e.getStackTrace())
                .filter(f -> f.getClassName().startsWith("dev.nabla.generated.FashionMlp$V")).findFirst().orElseThrow();
        assertEquals("fashion_mlp.nabla", kernel.getFileName(), Arrays.toString(e.getStackTrace()));
        assertEquals(7, kernel.getLineNumber(), kernel.toString());
        assertTrue(kernel.getMethodName().contains("hidden1"), kernel.toString());
    }

    @Test
    void deepElementwiseChainsAreCutIntoKernelsThatFitTheMethodSizeLimit() {
        GraphBuilder b = new GraphBuilder("Deep");
        Span s = Span.at("deep.nabla", 2, 1);
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 40), Graph.InputRole.INPUT, null, s);
        Value v = x;
        for (int i = 0; i < 10_000; i++) {
            v = b.add(i % 2 == 0 ? Op.TANH : Op.ADD, s, "v", i % 2 == 0 ? new Value[] {v} : new Value[] {v, x});
        }
        b.output("y", v, Graph.OutputRole.OUTPUT);
        Graph g = b.build();
        ModelClasses mc = ModelCompiler.compile(new ModelIr("Deep", "deep.nabla", g, g, TrainConfig.EMPTY, Map.of()), SGD);
        Harness.assertClassesVerify(mc);
        CompiledModel m = Harness.load(mc, true);
        float[][] buf = Harness.randomBuffers(m.spec(), 3, 4);
        m.predict(buf, 3);
        Harness.assertOutputsMatch(g, m.spec(), buf, 3, 1e-4, 1e-4);
    }

    @Test
    void wrongSizeBufferFailsWithStackTraceAtModelLine() {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        CompiledModel m = Harness.load(mc, false);
        float[][] b = Harness.randomBuffers(m.spec(), 8, 1);
        b[m.spec().indexOf("probs")] = new float[3];
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> m.predict(b, 8));
        StackTraceElement kernel = Arrays.stream(e.getStackTrace())
                .filter(f -> f.getClassName().startsWith("dev.nabla.generated.")).findFirst().orElseThrow();
        assertEquals(Graphs.FILE, kernel.getFileName());
        assertEquals(7, kernel.getLineNumber(), Arrays.toString(e.getStackTrace()));
    }
}
