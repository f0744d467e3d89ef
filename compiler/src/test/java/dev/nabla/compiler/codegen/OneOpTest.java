package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Each op alone (in several shapes and attributes), compiled, against the double reference, both families. */
class OneOpTest {

    private static final Span S = Span.at("one.nabla", 1, 1);
    private static final Shape X = Shape.of(Shape.BATCH, 3, 37);
    /** Row widths around one vector of 8 or 16 floats: none, one, one and a tail, and just under the usual minimum. */
    private static final int[] SHORT_ROWS = {7, 8, 10, 17, 31};
    /**
     * Rows long enough for the vector emitter to keep four vectors of partial results per accumulation: exactly four
     * vectors of 16, and 255 (15 vectors of 16 or 31 of 8, then a tail, so the partials end out of turn).
     */
    private static final int[] LONG_ROWS = {64, 255};

    record Case(String name, Graph graph) {
    }

    private static Graph single(String name, List<TensorType> inputs, BiFunction<GraphBuilder, List<Value>, Value> body) {
        GraphBuilder b = new GraphBuilder(name);
        List<Value> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Graph.InputRole role = inputs.get(i).dtype() == DType.I32 ? Graph.InputRole.TARGET : Graph.InputRole.INPUT;
            in.add(b.input("in" + i, inputs.get(i), role, null, S));
        }
        b.output("out", body.apply(b, in), Graph.OutputRole.OUTPUT);
        return b.build();
    }

    static List<Case> cases(Op op) {
        List<Case> out = new ArrayList<>();
        TensorType x = TensorType.f32(X);
        switch (op.family()) {
            case UNARY -> {
                out.add(new Case("x", single(op.mnemonic(), List.of(x), (b, in) -> b.add(op, S, "y", in.get(0)))));
                if (op.transcendental()) {
                    // rows shorter than the vector emitter's usual minimum, which it takes for a transcendental body
                    for (int width : SHORT_ROWS) {
                        out.add(new Case("[B," + width + "]", single(op.mnemonic(), List.of(TensorType.f32(Shape.BATCH, width)),
                                (b, in) -> b.add(op, S, "y", in.get(0)))));
                    }
                }
            }
            case BINARY -> {
                for (Shape other : List.of(X, Shape.of(37), Shape.of(Shape.BATCH, 1, 37), Shape.of(3, 1), Shape.SCALAR)) {
                    out.add(new Case("x," + other, single(op.mnemonic(), List.of(x, TensorType.f32(other)),
                            (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
                    out.add(new Case(other + ",x", single(op.mnemonic(), List.of(TensorType.f32(other), x),
                            (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
                }
            }
            case TERNARY -> out.add(new Case("cond,x,[37]", single(op.mnemonic(), List.of(x, x, TensorType.f32(37)),
                    (b, in) -> b.add(op, S, "y", b.add(Op.GREATER, S, "c", in.get(0), b.constant(0, Shape.SCALAR, S)),
                            in.get(1), in.get(2)))));
            case WINDOW -> out.addAll(WindowOpsCodegenTest.cases(op));
            case CONTRACTION -> {
                if (op.kernelFamily() == Op.KernelFamily.CONVOLUTION) {
                    out.addAll(WindowOpsCodegenTest.cases(op));
                } else if (op.fused()) {
                    out.addAll(fusedProducts(op));
                } else if (op == Op.MATMUL) {
                    out.add(new Case("[B,4]@[4,6]", single("mm", List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(4, 6)),
                            (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
                    out.add(new Case("[B,4]@[6,4]^T", single("mmt", List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(6, 4)),
                            (b, in) -> b.add(op, S, "y", in.get(0), b.add(Op.TRANSPOSE, List.of(in.get(1)),
                                    new Attr.Perm(List.of(1, 0)), S, "t")))));
                    out.add(new Case("[5,4]^T@[5,6]", single("mtt", List.of(TensorType.f32(5, 4), TensorType.f32(5, 6)),
                            (b, in) -> b.add(op, S, "y", b.add(Op.TRANSPOSE, List.of(in.get(0)),
                                    new Attr.Perm(List.of(1, 0)), S, "t"), in.get(1)))));
                    out.add(new Case("[B,4]@[4,6] + [B,6] accumulated", single("acc", List.of(TensorType.f32(Shape.BATCH, 4),
                            TensorType.f32(4, 6), TensorType.f32(Shape.BATCH, 6)), (b, in) -> b.add(Op.ADD, S, "s",
                            b.add(op, S, "y", in.get(0), in.get(1)), b.add(Op.EXP, S, "e", in.get(2))))));
                    out.add(new Case("relu([B,4]@[4,6] + [6]) epilogue", single("epi", List.of(TensorType.f32(Shape.BATCH, 4),
                            TensorType.f32(4, 6), TensorType.f32(6)), (b, in) -> b.add(Op.RELU, S, "r", b.add(Op.ADD, S, "s",
                            in.get(2), b.add(op, S, "y", in.get(0), in.get(1)))))));
                } else {
                    out.add(new Case("[B,4]^T@[B,6] + 2*[6] accumulated", single("tnacc", List.of(TensorType.f32(Shape.BATCH, 4),
                            TensorType.f32(Shape.BATCH, 6), TensorType.f32(6)), (b, in) -> {
                                Value t = b.add(Op.MUL, S, "t", in.get(2), b.constant(2, Shape.SCALAR, S));
                                return b.add(Op.ADD, S, "s", b.add(op, S, "y", in.get(0), in.get(1)), b.add(Op.ADD, S, "tt", t, t));
                            })));
                    out.add(new Case("[B,4]^T@[B,6]", single("tn", List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(Shape.BATCH, 6)),
                            (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
                }
            }
            case LAYOUT -> out.addAll(layout(op, x));
            case REDUCTION -> {
                for (List<Integer> axes : List.of(List.of(0), List.of(1), List.of(2), List.of(0, 2), List.of(1, 2), List.of(0, 1, 2))) {
                    for (boolean keep : new boolean[] {false, true}) {
                        out.add(new Case(axes + (keep ? " keep" : ""), single(op.mnemonic(), List.of(x),
                                (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axes(axes, keep), S, "y"))));
                    }
                }
                for (int width : LONG_ROWS) {
                    for (List<Integer> axes : List.of(List.of(1), List.of(0, 1))) {
                        out.add(new Case("[B," + width + "] " + axes, single(op.mnemonic(),
                                List.of(TensorType.f32(Shape.BATCH, width)),
                                (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axes(axes, false), S, "y"))));
                    }
                }
            }
            case AXIS -> {
                if (op == Op.ONE_HOT) {
                    out.add(new Case("labels", single("oh", List.of(new TensorType(DType.I32, Shape.of(Shape.BATCH))),
                            (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Depth(5), S, "y"))));
                } else {
                    for (int axis : new int[] {0, 1, 2}) {
                        out.add(new Case("axis " + axis, single(op.mnemonic(), List.of(x),
                                (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axis(axis), S, "y"))));
                    }
                    for (int width : IntStream.concat(IntStream.of(SHORT_ROWS), IntStream.of(LONG_ROWS)).toArray()) {
                        out.add(new Case("[B," + width + "] axis 1", single(op.mnemonic(),
                                List.of(TensorType.f32(Shape.BATCH, width)),
                                (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axis(1), S, "y"))));
                    }
                }
            }
            case SOURCE -> out.addAll(op == Op.CONSTANT
                    ? List.of(new Case("[B,3]", single("c", List.of(), (b, in) -> b.constant(2.5, Shape.of(Shape.BATCH, 3), S))))
                    : draws(op, x));
        }
        return out;
    }

    /**
     * The fused matrix products as the fusion passes write them, in each transposition they allow: [3,4] @ [4,6]
     * with a and b stored as they enter or transposed (a never transposed under a bias epilogue); the bias a row [6] or [1,6]; gemm_acc's addend an inline exp of a [B,6]
     * (transposition nn, batched a) or a broadcast row [6].
     */
    private static List<Case> fusedProducts(Op op) {
        List<Case> out = new ArrayList<>();
        for (Attr.Trans t : List.of(new Attr.Trans(false, false), new Attr.Trans(true, false),
                new Attr.Trans(false, true), new Attr.Trans(true, true))) {
            if (t.a() && (op == Op.GEMM_BIAS || op == Op.GEMM_BIAS_RELU)) {
                continue;   // the bias epilogue reads a as stored
            }
            TensorType a = t.a() ? TensorType.f32(4, 3) : TensorType.f32(3, 4);
            TensorType w = t.b() ? TensorType.f32(6, 4) : TensorType.f32(4, 6);
            List<TensorType> in = new ArrayList<>(List.of(a, w));
            if (op != Op.GEMM) {
                in.add(TensorType.f32(op == Op.GEMM_BIAS_RELU ? Shape.of(1, 6) : Shape.of(6)));
            }
            out.add(new Case(t.toString(), single(op.mnemonic(), in, (b, v) -> b.add(op, v, t, S, "y"))));
        }
        out.add(new Case("[B,4] @ [4,6] " + (op == Op.GEMM_ACC ? "+ exp([B,6]) inline" : ""), single(op.mnemonic(),
                op == Op.GEMM ? List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(4, 6))
                        : List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(4, 6),
                        op == Op.GEMM_ACC ? TensorType.f32(Shape.BATCH, 6) : TensorType.f32(6)),
                (b, v) -> {
                    List<Value> args = new ArrayList<>(v);
                    if (op == Op.GEMM_ACC) {
                        args.set(2, b.add(Op.EXP, S, "e", v.get(2)));
                    }
                    return b.add(op, args, new Attr.Trans(false, false), S, "y");
                })));
        return out;
    }

    /**
     * A draw alone (key inputs hold whatever floats the harness puts there; both sides truncate them alike), and
     * inlined into a vector loop's consumer, where it must stay a per-element scalar call.
     */
    private static List<Case> draws(Op op, TensorType x) {
        TensorType key = TensorType.f32(Shape.SCALAR);
        return List.of(new Case("[B,3,37]", single("r", List.of(key, key), (b, in) ->
                        b.add(op, List.of(in.get(0), in.get(1)), new Attr.Draw(3, X), S, "y"))),
                new Case("times x", single("r", List.of(key, key, x), (b, in) -> b.add(Op.MUL, S, "y", in.get(2),
                        b.add(op, List.of(in.get(0), in.get(1)), new Attr.Draw(0, X), S, "u")))));
    }

    private static List<Case> layout(Op op, TensorType x) {
        List<Case> out = new ArrayList<>();
        switch (op) {
            case TRANSPOSE -> {
                out.add(new Case("[B,3,37] perm 0,2,1", single("t", List.of(x), (b, in) ->
                        b.add(op, List.of(in.get(0)), new Attr.Perm(List.of(0, 2, 1)), S, "y"))));
                out.add(new Case("[3,4,5] perm 2,0,1", single("t", List.of(TensorType.f32(3, 4, 5)), (b, in) ->
                        b.add(op, List.of(in.get(0)), new Attr.Perm(List.of(2, 0, 1)), S, "y"))));
            }
            case RESHAPE -> {
                out.add(new Case("output", single("r", List.of(x), (b, in) ->
                        b.add(op, List.of(in.get(0)), new Attr.To(Shape.of(Shape.BATCH, 111)), S, "y"))));
                out.add(new Case("alias then exp", single("r", List.of(x), (b, in) -> b.add(Op.EXP, S, "e",
                        b.add(op, List.of(b.add(Op.NEG, S, "n", in.get(0))), new Attr.To(Shape.of(Shape.BATCH, 37, 3)), S, "y")))));
            }
            case SLICE -> {
                out.add(new Case("[B,3,37] box [0,1,5] [B,2,30]", single("s", List.of(x), (b, in) -> b.add(op,
                        List.of(in.get(0)), new Attr.Region(List.of(0, 1, 5), Shape.of(Shape.BATCH, 2, 30)), S, "y"))));
                out.add(new Case("inlined into exp", single("s", List.of(TensorType.f32(6, 40)), (b, in) -> b.add(Op.EXP, S,
                        "e", b.add(op, List.of(in.get(0)), new Attr.Region(List.of(2, 3), Shape.of(3, 36)), S, "y")))));
            }
            case PAD -> {
                out.add(new Case("[B,3,37] at [0,1,2] in [B,5,40]", single("p", List.of(x), (b, in) -> b.add(op,
                        List.of(in.get(0)), new Attr.Region(List.of(0, 1, 2), Shape.of(Shape.BATCH, 5, 40)), S, "y"))));
                out.add(new Case("of an expression", single("p", List.of(TensorType.f32(3, 36)), (b, in) -> b.add(op,
                        List.of(b.add(Op.TANH, S, "t", in.get(0))), new Attr.Region(List.of(2, 0), Shape.of(6, 40)), S, "y"))));
            }
            default -> out.add(new Case("[37] to [B,3,37]", single("bc", List.of(TensorType.f32(37)), (b, in) ->
                    b.add(op, List.of(in.get(0)), new Attr.To(X), S, "y"))));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyOpAloneMatchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Case c : cases(op)) {
                for (boolean vector : new boolean[] {true, false}) {
                    tests.add(DynamicTest.dynamicTest(op.mnemonic() + " " + c.name() + " vector=" + vector, () -> check(c.graph(), vector)));
                }
            }
        }
        return tests.stream();
    }

    static void check(Graph g, boolean vector) {
        ModelIr model = new ModelIr("One", "one.nabla", g, g, TrainConfig.EMPTY, Map.of("in0", 5));
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        Harness.assertClassesVerify(mc);
        CompiledModel m = Harness.load(mc, vector);
        for (int batch : new int[] {1, 19}) {
            float[][] b = Harness.randomBuffers(m.spec(), 20, batch);
            m.predict(b, batch);
            Harness.assertOutputsMatch(g, m.spec(), b, batch, 1e-5, 1e-5);
        }
    }
}
