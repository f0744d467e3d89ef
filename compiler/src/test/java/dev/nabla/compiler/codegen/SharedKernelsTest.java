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
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Program;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels that are the same code over other buffers share one method ({@link KernelTemplates}): two chains at one
 * source position over two weight matrices of 600 x 500, large enough that their loops are split over the threads
 * ({@code Parallel.SlottedBody}) and their sums chunked ({@code Parallel.SlottedReduction}). Each call passes its own
 * buffers' indices: the outputs are the reference interpreter's, and the same bits on one thread and two.
 */
class SharedKernelsTest {

    private static final Span S = Span.at("shared.nabla", 3, 5);
    /** {@code y = 2x}; then for w in (w1, w2), at the one position S: {@code u = 3w + 1} and {@code s = sum(w * w)}. */
    private static Graph twins(int rows, int cols) {
        GraphBuilder b = new GraphBuilder("Twins");
        Span own = Span.at("shared.nabla", 1, 1);
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 3), Graph.InputRole.INPUT, null, own);
        b.output("y", b.add(Op.MUL, own, "y", x, b.constant(2, Shape.SCALAR, own)), Graph.OutputRole.OUTPUT);
        Attr.Axes all = new Attr.Axes(List.of(0, 1), false);
        for (int t = 1; t <= 2; t++) {
            Value w = b.input("w" + t, TensorType.f32(rows, cols), Graph.InputRole.PARAM,
                    InitSpec.of(InitSpec.Kind.ZEROS), S);
            Value scaled = b.add(Op.MUL, S, "m" + t, w, b.constant(3, Shape.SCALAR, S));
            b.output("u" + t, b.add(Op.ADD, S, "u" + t, scaled, b.constant(1, Shape.SCALAR, S)), Graph.OutputRole.OUTPUT);
            Value squares = b.add(Op.MUL, S, "sq" + t, w, w);
            b.output("s" + t, b.add(Op.SUM, List.of(squares), all, S, "s" + t), Graph.OutputRole.OUTPUT);
        }
        return b.build();
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void twinKernelsShareOneMethod_passTheirOwnBuffers_andSplitOverThreads(boolean vector) {
        Graph g = twins(600, 500);
        ModelIr model = new ModelIr("Twins", "shared.nabla", g, g, TrainConfig.EMPTY, Map.of());
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        Harness.assertClassesVerify(mc);

        Program predict = mc.program("predict");
        Map<Kernel, KernelTemplates.Use> uses = KernelTemplates.find(new Program[] {predict}, Map.of());
        List<KernelTemplates.Use> sharing = uses.entrySet().stream().filter(e -> e.getValue().template() != e.getKey())
                .map(Map.Entry::getValue).toList();
        assertEquals(predict.kernels().size() - 1, 2 * sharing.size(), predict.kernels().stream().map(Kernel::name)
                .collect(Collectors.joining(", ")) + ": all but y's kernel come in pairs, the second calling the first");
        for (KernelTemplates.Use use : sharing) {
            assertFalse(Arrays.equals(uses.get(use.template()).slots(), use.slots()), "each call its own buffers");
        }
        String bytes = mc.classes().values().stream().map(c -> new String(c, StandardCharsets.ISO_8859_1))
                .collect(Collectors.joining());
        assertTrue(bytes.contains("dev/nabla/runtime/kernels/Parallel$SlottedBody"), "a shared loop split over threads");
        assertTrue(bytes.contains("dev/nabla/runtime/kernels/Parallel$SlottedReduction"), "a shared chunked sum");

        CompiledModel m = Harness.load(mc, vector);
        Harness.assertPredictMatchesOnOneAndTwoThreads(g, m, Harness.randomBuffers(m.spec(), 4, 7), 4, 1e-5);
    }
}
