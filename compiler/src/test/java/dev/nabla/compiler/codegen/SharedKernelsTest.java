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
import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Index;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Program;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.kernels.Gemm;
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

    /**
     * {@code c[0] = 2 a[0]}, then {@code for i < 40,000: out[i] = in[i] + 1}, split over the threads: the range method
     * of the loop touches the kernel's third and fourth buffers only, and must load them by the kernel's slots 2 and 3.
     */
    private static Kernel scaleThenShift(Buf c, Buf a, Buf out, Buf in) {
        LoopVar i = new LoopVar("i0");
        return new Kernel("k", S, "", List.of(
                new Stmt.Store(c, Index.constant(0), new Expr.Binary(Op.MUL, new Expr.Load(a, Index.constant(0)),
                        new Expr.Const(2))),
                new Stmt.For(i, Size.of(40_000), List.of(new Stmt.Store(out, Index.of(i),
                        new Expr.Binary(Op.ADD, new Expr.Load(in, Index.of(i)), new Expr.Const(1)))))));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aSharedMethodsRangeMethod_loadsItsBuffersByTheKernelsSlots(boolean vector) throws ReflectiveOperationException {
        Kernel first = scaleThenShift(new Buf(0, "c"), new Buf(1, "a"), new Buf(2, "out"), new Buf(3, "in"));
        Kernel second = scaleThenShift(new Buf(4, "c2"), new Buf(5, "a2"), new Buf(6, "out2"), new Buf(7, "in2"));
        ClassEmitter emitter = new ClassEmitter("Hand", "hand.nabla", EmitTarget.inProcess("Hand"),
                List.of(new Program("predict", List.of(first, second))), null);
        ClassEmitter.Family family = vector ? ClassEmitter.Family.VECTOR : ClassEmitter.Family.SCALAR;
        Map<String, byte[]> classes = emitter.family(family);
        String bytes = classes.values().stream().map(c -> new String(c, StandardCharsets.ISO_8859_1))
                .collect(Collectors.joining());
        assertTrue(bytes.contains("dev/nabla/runtime/kernels/Parallel$SlottedBody"), "the loop split over threads");
        ClassLoader loader = new ModelClassLoader(getClass().getClassLoader(), classes);
        java.lang.reflect.Method predict = loader.loadClass("dev.nabla.generated.Hand$" + family.tag)
                .getMethod("predict", float[][].class, int.class);
        float[][] b = new float[8][];
        for (int k = 0; k < 8; k += 4) {
            b[k] = new float[1];
            b[k + 1] = new float[] {3 + k};
            b[k + 2] = new float[40_000];
            b[k + 3] = new float[40_000];
            for (int e = 0; e < 40_000; e++) {
                b[k + 3][e] = e * (k + 1);
            }
        }
        int saved = Gemm.threads();
        try {
            Gemm.setThreads(2);
            predict.invoke(null, b, 1);
        } finally {
            Gemm.setThreads(saved);
        }
        for (int k = 0; k < 8; k += 4) {
            assertEquals(2 * (3 + k), b[k][0], "c of kernel " + k / 4);
            for (int e = 0; e < 40_000; e++) {
                assertEquals(e * (k + 1) + 1, b[k + 2][e], "out of kernel " + k / 4 + " at " + e);
            }
        }
    }
}
