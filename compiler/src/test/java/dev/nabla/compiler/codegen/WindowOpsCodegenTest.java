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
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution and pooling, compiled to calls of the runtime kernels, against the interpreter: each op alone over
 * geometries with strides, uneven padding and dilation, the fused forward epilogue (bias, ReLU) and the filter
 * gradient that also writes the bias gradient. In this JVM the runtime's Vector API kernels run; the same cases
 * run again in a child JVM with {@code -Dnabla.vector=false}, where the plain-Java kernels do.
 */
class WindowOpsCodegenTest {

    private static final Span S = Span.at("window.nabla", 1, 1);

    /** A geometry: input channels, size, output channels, window, stride, padding (t, l, b, r), dilation. */
    private record Geometry(String name, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
                            int pt, int pl, int pb, int pr, int dh, int dw) {
        Attr.Window window() {
            return new Attr.Window(kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, h, w);
        }
    }

    private static final List<Geometry> CONV = List.of(
            new Geometry("3x3 valid", 2, 7, 6, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1),
            new Geometry("5x5 stride 2 pad 2", 3, 9, 11, 4, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1),
            new Geometry("2x2 same (uneven pad)", 1, 6, 5, 2, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1),
            new Geometry("3x2 dilated stride 3,1", 2, 10, 8, 3, 3, 2, 3, 1, 1, 0, 1, 0, 2, 2),
            new Geometry("1x1", 5, 4, 4, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
            new Geometry("kernel = input", 2, 4, 3, 5, 4, 3, 1, 1, 0, 0, 0, 0, 1, 1),
            new Geometry("W2 conv2", 8, 12, 12, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1));

    private static final List<Geometry> POOL = List.of(
            new Geometry("2x2", 3, 8, 6, 3, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1),
            new Geometry("3x3 stride 2 pad 1", 2, 7, 9, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
            new Geometry("3x2 stride 1 overlapping", 2, 5, 6, 2, 3, 2, 1, 1, 0, 1, 0, 0, 1, 1),
            new Geometry("global 5x7", 4, 5, 7, 4, 5, 7, 5, 7, 0, 0, 0, 0, 1, 1));

    private static TensorType nchw(int c, int h, int w) {
        return TensorType.f32(Shape.BATCH, c, h, w);
    }

    private static Graph graph(String name, List<TensorType> inputs, java.util.function.BiFunction<GraphBuilder, List<Value>, List<Value>> body) {
        GraphBuilder b = new GraphBuilder(name);
        List<Value> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            in.add(b.input("in" + i, inputs.get(i), Graph.InputRole.INPUT, null, S));
        }
        List<Value> outs = body.apply(b, in);
        for (int k = 0; k < outs.size(); k++) {
            b.output("out" + k, outs.get(k), Graph.OutputRole.OUTPUT);
        }
        return b.build();
    }

    /** The cases of one window op (the completeness of OneOpTest includes these). */
    static List<OneOpTest.Case> cases(Op op) {
        List<OneOpTest.Case> out = new ArrayList<>();
        boolean conv = op.kernelFamily() == Op.KernelFamily.CONVOLUTION;
        for (Geometry g : conv ? CONV : POOL) {
            Attr.Window win = g.window();
            TensorType x = nchw(g.c(), g.h(), g.w());
            TensorType w = TensorType.f32(g.o(), g.c(), g.kh(), g.kw());
            TensorType y = nchw(conv ? g.o() : g.c(), win.outH(), win.outW());
            List<TensorType> operands = switch (op) {
                case CONV2D -> List.of(x, w);
                case CONV2D_BIAS, CONV2D_BIAS_RELU -> List.of(x, w, TensorType.f32(g.o(), 1, 1));
                case CONV2D_BACKWARD_BIAS -> List.of(x, y);
                case MAX_POOL2D_BACKWARD_RELU -> List.of(x, y);
                case CONV2D_BACKWARD_INPUT -> List.of(y, w);
                case CONV2D_BACKWARD_FILTER -> List.of(x, y);
                case MAX_POOL2D, AVG_POOL2D -> List.of(x);
                case MAX_POOL2D_BACKWARD -> List.of(x, y);
                case MAX_POOL2D_GATHER -> List.of(x, x);
                case AVG_POOL2D_BACKWARD -> List.of(y);
                default -> throw new IllegalArgumentException(op + " is not a window op");
            };
            if (op == Op.CONV2D_BACKWARD_BIAS) {
                // written by the kernel of the filter gradient right before it, which it names
                out.add(new OneOpTest.Case(g.name(), graph(op.mnemonic(), operands, (b, in) -> {
                    Value dw = b.add(Op.CONV2D_BACKWARD_FILTER, in, win, S, "dw");
                    return List.of(dw, b.add(op, List.of(in.get(1), dw), Attr.NONE, S, "db"));
                })));
                continue;
            }
            out.add(new OneOpTest.Case(g.name(), graph(op.mnemonic(), operands,
                    (b, in) -> List.of(b.add(op, in, win, S, "y")))));
        }
        return out;
    }

    /** relu(conv(x, w) + reshape(b, [O,1,1])): the epilogue fused into the kernel's store. */
    private static Graph convBiasRelu(Geometry g) {
        Attr.Window win = g.window();
        return graph("cbr", List.of(nchw(g.c(), g.h(), g.w()), TensorType.f32(g.o(), g.c(), g.kh(), g.kw()),
                TensorType.f32(g.o())), (b, in) -> {
                    Value conv = b.add(Op.CONV2D, in.subList(0, 2), win, S, "conv");
                    Value bias = b.add(Op.RESHAPE, List.of(in.get(2)), new Attr.To(Shape.of(g.o(), 1, 1)), S, "bias");
                    return List.of(b.add(Op.RELU, S, "r", b.add(Op.ADD, S, "s", conv, bias)));
                });
    }

    /** sum(g, [0,2,3]) then the filter gradient of the same g: one kernel writes both, in the sum's place. */
    private static Graph filterAndBiasGradient(Geometry g) {
        Attr.Window win = g.window();
        return graph("fbg", List.of(nchw(g.c(), g.h(), g.w()), nchw(g.o(), win.outH(), win.outW())), (b, in) -> {
            Value g2 = b.add(Op.MUL, S, "g2", in.get(1), in.get(1));
            Value db = b.add(Op.SUM, List.of(g2), new Attr.Axes(List.of(0, 2, 3), false), S, "db");
            Value scaled = b.add(Op.MUL, S, "scaled", db, b.constant(3, Shape.SCALAR, S));
            Value dw = b.add(Op.CONV2D_BACKWARD_FILTER, List.of(in.get(0), g2), win, S, "dw");
            return List.of(dw, scaled);
        });
    }

    /** select(greater(x, 0), max_pool2d_backward(x, g), 0) over x of mixed signs: the mask fused into the kernel. */
    private static Graph reluMaskedPoolGradient(Geometry g) {
        Attr.Window win = g.window();
        return graph("rmp", List.of(nchw(g.c(), g.h(), g.w()), nchw(g.c(), win.outH(), win.outW())), (b, in) -> {
            Value zero = b.constant(0, Shape.SCALAR, S);
            Value dx = b.add(Op.MAX_POOL2D_BACKWARD, in, win, S, "dx");
            return List.of(b.add(Op.SELECT, S, "masked", b.add(Op.GREATER, S, "pos", in.get(0), zero), dx, zero));
        });
    }

    private static List<OneOpTest.Case> all() {
        List<OneOpTest.Case> out = new ArrayList<>();
        for (Op op : Op.values()) {
            if (op.kernelFamily() == Op.KernelFamily.CONVOLUTION || op.kernelFamily() == Op.KernelFamily.POOLING) {
                cases(op).forEach(c -> out.add(new OneOpTest.Case(op.mnemonic() + " " + c.name(), c.graph())));
            }
        }
        for (Geometry g : POOL) {
            out.add(new OneOpTest.Case("relu-masked max pool gradient " + g.name(), reluMaskedPoolGradient(g)));
        }
        for (Geometry g : CONV) {
            out.add(new OneOpTest.Case("conv+bias+relu " + g.name(), convBiasRelu(g)));
            out.add(new OneOpTest.Case("filter+bias gradient " + g.name(), filterAndBiasGradient(g)));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> windowOpsMatchTheInterpreter() {
        List<DynamicTest> tests = new ArrayList<>();
        for (OneOpTest.Case c : all()) {
            for (boolean vector : new boolean[] {true, false}) {
                tests.add(DynamicTest.dynamicTest(c.name() + " vector=" + vector, () -> OneOpTest.check(c.graph(), vector)));
            }
        }
        return tests.stream();
    }

    @Test
    void convEpilogueAndBiasGradient_areFusedIntoTheKernelCalls() {
        Geometry g = CONV.get(1);
        String fwd = listing(convBiasRelu(g));
        assertTrue(fwd.contains("Conv2d.forward(B, 3, 9, 11, 4, 5, 5, 5, 6, 2, 2, 2, 2, 1, 1, in0, in1, in2, 1, "), fwd);
        assertEquals(1, fwd.split("kernel ", -1).length - 1, "one kernel: conv, bias and ReLU fused\n" + fwd);
        String bwd = listing(filterAndBiasGradient(g));
        assertTrue(bwd.matches("(?s).*Conv2d\\.filterGrad\\(B, 3, 9, 11, 4, 5, 5, 5, 6, 2, 2, 2, 2, 1, 1, in0, \\w+, \\w+, \\w+\\).*"), bwd);
        assertTrue(!bwd.contains("acc"), "no loop sums the bias gradient\n" + bwd);
        String masked = listing(reluMaskedPoolGradient(POOL.get(1)));
        assertTrue(masked.contains("Pool2d.maxBackwardRelu(B, 2, 7, 9, 3, 3, 4, 5, 2, 2, 1, 1, in0, in1, "), masked);
        assertEquals(1, masked.split("kernel ", -1).length - 1, "the mask is no kernel of its own\n" + masked);
    }

    private static String listing(Graph g) {
        ModelIr model = new ModelIr("One", "one.nabla", g, g, TrainConfig.EMPTY, Map.of());
        String all = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)).listing();
        return all.substring(all.indexOf("predict:"), all.indexOf("trainStep:"));
    }

    /** Runs in the child JVM: every case, with the runtime's plain-Java kernels. */
    public static void main(String[] args) {
        int n = 0;
        for (OneOpTest.Case c : all()) {
            OneOpTest.check(c.graph(), false);
            n++;
        }
        System.out.println("scalar kernels ok: " + n + " cases, nabla.vector=" + System.getProperty("nabla.vector"));
    }

    @Test
    void windowOpsMatchTheInterpreter_withThePlainJavaRuntimeKernels() throws IOException, InterruptedException {
        String out = Harness.runInChildJvm(WindowOpsCodegenTest.class, 120,
                List.of("--add-modules", "jdk.incubator.vector", "-Dnabla.vector=false"));
        assertTrue(out.contains("scalar kernels ok"), out);
    }
}
