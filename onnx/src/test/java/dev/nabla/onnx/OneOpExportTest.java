package dev.nabla.onnx;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.data.Preprocessing;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each op the exporter maps, alone in a graph (in several shapes and attributes), exported and run by ONNX Runtime
 * at batch 1 and 5, against the reference interpreter (double precision): |onnx - reference| &lt;= 1e-5 * max(|reference|, 1).
 * {@link #cases} is an exhaustive switch over {@link Op}: a new op does not compile here until it has cases (or is
 * declared unsupported, which {@link OpExportersTest} then checks is an error).
 */
class OneOpExportTest {

    static final Span S = Span.at("one.nabla", 3, 7);
    private static final Shape X = Shape.of(Shape.BATCH, 3, 5);

    /** {@code inputs}' values: multiples of 0.5 in [-3, 3] (so comparisons tie), or the given range. */
    enum Values { HALVES, POSITIVE, TINY, LABELS }

    record Case(String name, Graph graph, Values values, boolean relativeOnly) {
        Case(String name, Graph graph) {
            this(name, graph, Values.HALVES, false);
        }
    }

    /** A graph of inputs {@code in0, in1, ...} of the given types and one output {@code out}. */
    static Graph single(List<TensorType> inputs, BiFunction<GraphBuilder, List<Value>, Value> body) {
        GraphBuilder b = new GraphBuilder("one");
        List<Value> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            in.add(b.input("in" + i, inputs.get(i), Graph.InputRole.INPUT, null, S));
        }
        b.output("out", body.apply(b, in), Graph.OutputRole.OUTPUT);
        return b.build();
    }

    static List<Case> cases(Op op) {
        TensorType x = TensorType.f32(X);
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, GREATER, EQUAL -> binary(op, x, Values.HALVES);
            case POW -> binary(op, x, Values.POSITIVE);
            case SELECT -> List.of(new Case("cond,x,[5]", single(List.of(x, x, TensorType.f32(5)),
                    (b, in) -> b.add(op, S, "y", in.get(0), in.get(1), in.get(2)))));
            case NEG, EXP, ABS, SIGN, TANH, SIGMOID, RELU, ERF -> List.of(unary(op, x, Values.HALVES));
            case LOG, SQRT -> List.of(unary(op, x, Values.POSITIVE));
            // Near 0 the naive exp(x) - 1 and log(1 + x) lose every digit: relative error, no floor.
            case EXPM1, LOG1P -> List.of(unary(op, x, Values.HALVES), new Case("tiny x, relative",
                    single(List.of(x), (b, in) -> b.add(op, S, "y", in.get(0))), Values.TINY, true));
            case MATMUL -> List.of(new Case("[B,4]@[4,6]", single(List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(4, 6)),
                    (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
            case MATMUL_TN -> List.of(new Case("[B,4]^T@[B,6]", single(List.of(TensorType.f32(Shape.BATCH, 4),
                    TensorType.f32(Shape.BATCH, 6)), (b, in) -> b.add(op, S, "y", in.get(0), in.get(1)))));
            case CONV2D -> List.of(window(op, List.of(Shape.of(Shape.BATCH, 2, 7, 6), Shape.of(3, 2, 3, 2)),
                    new Attr.Window(3, 2, 2, 1, 0, 1, 1, 0, 1, 2, 7, 6)));
            case MAX_POOL2D -> List.of(
                    window(op, List.of(Shape.of(Shape.BATCH, 2, 7, 6)), new Attr.Window(3, 2, 2, 2, 1, 0, 1, 1, 1, 1, 7, 6)),
                    window(op, List.of(Shape.of(Shape.BATCH, 2, 7, 6)), new Attr.Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 7, 6)));
            case AVG_POOL2D -> List.of(
                    window(op, List.of(Shape.of(Shape.BATCH, 2, 7, 6)), new Attr.Window(2, 3, 1, 2, 1, 1, 0, 1, 1, 1, 7, 6)));
            case TRANSPOSE -> List.of(
                    new Case("[B,3,5] perm 0,2,1", single(List.of(x), (b, in) ->
                            b.add(op, List.of(in.get(0)), new Attr.Perm(List.of(0, 2, 1)), S, "y"))),
                    new Case("[3,4,5] perm 2,0,1", single(List.of(TensorType.f32(3, 4, 5)), (b, in) ->
                            b.add(op, List.of(in.get(0)), new Attr.Perm(List.of(2, 0, 1)), S, "y"))));
            case RESHAPE -> List.of(
                    new Case("[B,3,5] to [B,15]", single(List.of(x), (b, in) ->
                            b.add(op, List.of(in.get(0)), new Attr.To(Shape.of(Shape.BATCH, 15)), S, "y"))),
                    new Case("[3,4] to [2,6]", single(List.of(TensorType.f32(3, 4)), (b, in) ->
                            b.add(op, List.of(in.get(0)), new Attr.To(Shape.of(2, 6)), S, "y"))));
            case BROADCAST -> List.of(
                    // B comes from another input: a graph whose only input is unbatched has no batch size
                    new Case("[5] to [B,3,5]", single(List.of(TensorType.f32(5), x), (b, in) ->
                            b.add(Op.ADD, S, "s", b.add(op, List.of(in.get(0)), new Attr.To(X), S, "y"), in.get(1)))),
                    new Case("[B,1,5] to [B,3,5]", single(List.of(TensorType.f32(Shape.BATCH, 1, 5)), (b, in) ->
                            b.add(op, List.of(in.get(0)), new Attr.To(X), S, "y"))));
            case SLICE -> List.of(
                    new Case("[B,3,7] box [0,1,2] [B,2,4]", single(List.of(TensorType.f32(Shape.BATCH, 3, 7)), (b, in) -> b.add(op,
                            List.of(in.get(0)), new Attr.Region(List.of(0, 1, 2), Shape.of(Shape.BATCH, 2, 4)), S, "y"))),
                    new Case("[6,5] box [2,1] [3,3]", single(List.of(TensorType.f32(6, 5)), (b, in) -> b.add(op,
                            List.of(in.get(0)), new Attr.Region(List.of(2, 1), Shape.of(3, 3)), S, "y"))));
            case PAD -> List.of(
                    new Case("[B,3,4] at [0,1,2] in [B,5,7]", single(List.of(TensorType.f32(Shape.BATCH, 3, 4)), (b, in) -> b.add(op,
                            List.of(in.get(0)), new Attr.Region(List.of(0, 1, 2), Shape.of(Shape.BATCH, 5, 7)), S, "y"))),
                    new Case("[3,4] at [1,0] in [5,6]", single(List.of(TensorType.f32(3, 4)), (b, in) -> b.add(op,
                            List.of(in.get(0)), new Attr.Region(List.of(1, 0), Shape.of(5, 6)), S, "y"))));
            case SUM, MEAN, MAX -> reductions(op, x);
            case SOFTMAX, LOG_SOFTMAX -> List.of(0, 1, 2).stream().map(axis -> new Case("axis " + axis, single(List.of(x),
                    (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axis(axis), S, "y")))).toList();
            case ONE_HOT -> List.of(new Case("labels [B] depth 5", single(List.of(new TensorType(DType.I32, Shape.of(Shape.BATCH))),
                    (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Depth(5), S, "y")), Values.LABELS, false));
            case CONSTANT -> List.of(
                    new Case("scalar", single(List.of(x), (b, in) -> b.add(Op.MUL, S, "y", in.get(0), b.constant(1.5, Shape.SCALAR, S)))),
                    new Case("[2,3]", single(List.of(), (b, in) -> b.constant(-0.5, Shape.of(2, 3), S))),
                    new Case("[B,3] (B from the input)", single(List.of(TensorType.f32(Shape.BATCH, 3)), (b, in) ->
                            b.add(Op.SUB, S, "y", b.constant(2.5, Shape.of(Shape.BATCH, 3), S), in.get(0)))));
            case CONV2D_BACKWARD_INPUT, CONV2D_BACKWARD_FILTER, MAX_POOL2D_BACKWARD, MAX_POOL2D_GATHER, AVG_POOL2D_BACKWARD,
                 RANDOM_UNIFORM, RANDOM_NORMAL -> List.of();
            // made by the fusion passes, which the export never runs
            case GEMM, GEMM_BIAS, GEMM_BIAS_RELU, GEMM_ACC, CONV2D_BIAS, CONV2D_BIAS_RELU, CONV2D_BACKWARD_BIAS,
                 MAX_POOL2D_BACKWARD_RELU -> List.of();
        };
    }

    private static List<Case> binary(Op op, TensorType x, Values values) {
        List<Case> out = new ArrayList<>();
        for (Shape other : List.of(X, Shape.of(5), Shape.of(3, 1), Shape.SCALAR)) {
            out.add(new Case("x," + other, single(List.of(x, TensorType.f32(other)),
                    (b, in) -> b.add(op, S, "y", in.get(0), in.get(1))), values, false));
            out.add(new Case(other + ",x", single(List.of(TensorType.f32(other), x),
                    (b, in) -> b.add(op, S, "y", in.get(0), in.get(1))), values, false));
        }
        return out;
    }

    private static Case unary(Op op, TensorType x, Values values) {
        return new Case("x", single(List.of(x), (b, in) -> b.add(op, S, "y", in.get(0))), values, false);
    }

    private static Case window(Op op, List<Shape> operands, Attr.Window w) {
        return new Case(w.toString(), single(operands.stream().map(TensorType::f32).toList(),
                (b, in) -> b.add(op, in, w, S, "y")));
    }

    private static List<Case> reductions(Op op, TensorType x) {
        List<Case> out = new ArrayList<>();
        for (List<Integer> axes : List.of(List.of(1), List.of(0, 2), List.of(0, 1, 2))) {
            for (boolean keep : new boolean[] {false, true}) {
                out.add(new Case(axes + (keep ? " keep" : ""), single(List.of(x),
                        (b, in) -> b.add(op, List.of(in.get(0)), new Attr.Axes(axes, keep), S, "y"))));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyMappedOpMatchesTheInterpreter() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Case c : cases(op)) {
                tests.add(DynamicTest.dynamicTest(op.mnemonic() + " " + c.name(), () -> check(c)));
            }
        }
        return tests.stream();
    }

    /** Every one-op export passes ONNX's checker with shape inference: the nodes are valid ONNX, not only runnable. */
    @Test
    void everyMappedOpPassesOnnxChecker(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Case c : cases(op)) {
                Path file = dir.resolve(op.mnemonic() + "-" + files.size() + ".onnx");
                Files.write(file, export(c.graph()).model().toByteArray());
                files.add(file);
            }
        }
        OnnxChecker.check(files);
    }

    static OnnxExport.Result export(Graph g) {
        return OnnxExport.export(new ModelIr("One", "one.nabla", g, g, TrainConfig.EMPTY, Map.of()),
                new ExportWeights(Map.of(), Preprocessing.NONE));
    }

    static void check(Case c) throws Exception {
        OnnxExport.Result r = export(c.graph());
        assertFalse(r.model().getGraph().getNodeList().isEmpty());
        Random random = new Random(c.name().hashCode());
        try (OnnxRuntimeRunner onnx = new OnnxRuntimeRunner(r.model().toByteArray())) {
            for (int batch : new int[] {1, 5}) {
                Map<String, Tensor> reference = new LinkedHashMap<>();
                Map<String, OnnxRuntimeRunner.Input> inputs = new LinkedHashMap<>();
                for (Graph.Input in : c.graph().inputs()) {
                    int[] shape = in.value().shape().concrete(batch);
                    float[] v = values(c.values(), Tensor.size(shape), random);
                    double[] d = new double[v.length];
                    for (int k = 0; k < v.length; k++) {
                        d[k] = v[k];
                    }
                    reference.put(in.value().name(), new Tensor(shape, d));
                    long[] dims = java.util.Arrays.stream(shape).mapToLong(i -> i).toArray();
                    inputs.put(in.value().name(), new OnnxRuntimeRunner.Input(dims, v, in.value().dtype() == DType.I32));
                }
                Tensor expected = Interpreter.run(c.graph(), batch, reference).get("out");
                float[] got = onnx.run(inputs).get("out");
                assertEquals(expected.size(), got.length, "element count at batch " + batch);
                for (int k = 0; k < got.length; k++) {
                    double e = expected.at(k);
                    double tolerance = 1e-5 * (c.relativeOnly() ? Math.abs(e) : Math.max(Math.abs(e), 1));
                    if (!(Math.abs(got[k] - e) <= tolerance || got[k] == e || (Double.isNaN(e) && Float.isNaN(got[k])))) {
                        fail("batch " + batch + ", element " + k + ": onnx " + got[k] + ", reference " + e);
                    }
                }
            }
        }
    }

    private static float[] values(Values kind, int n, Random r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = switch (kind) {
                case HALVES -> (r.nextInt(13) - 6) * 0.5f;
                case POSITIVE -> 0.1f + 3 * r.nextFloat();
                case TINY -> (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, -7 + 5 * r.nextDouble()));
                case LABELS -> r.nextInt(5);
            };
        }
        return v;
    }
}
