package dev.nabla.compiler.passes;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.ir.Verifier;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.init.Initializer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random graphs full of what the passes rewrite (identities, double negations, reshape and transpose chains,
 * constant arithmetic, repeated subexpressions, naive log-softmax and softplus, dead values, dense layers the fusion
 * passes regroup), differentiated: every
 * pass keeps the graph valid, the pipeline keeps every output (gradients included) in the interpreter, and compiled
 * code with all passes computes what compiled code with none computes.
 */
class PipelineProperties {

    private static final Span S = Span.at("pipeline.nabla", 1, 1);

    static Graph build(int d1, int d2, int steps, long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("P.train");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, d1, d2), Graph.InputRole.INPUT, null, S);
        Value w = b.input("w", TensorType.f32(d2), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ONES), S);
        int n = d1 * d2;
        Value m = b.input("m", TensorType.f32(n, n), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ONES), S);
        Value c = b.input("c", TensorType.f32(n), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ONES), S);
        Value cur = b.add(Op.MUL, S, "xw", x, w);
        for (int s = 0; s < steps; s++) {
            cur = r.nextInt(4) == 0 ? layer(b, r, cur, m, c) : step(b, r, cur, x);
        }
        b.output("y", cur, Graph.OutputRole.OUTPUT);
        Value sq = b.add(Op.MUL, S, "sq", cur, cur);
        b.output("loss", b.add(Op.MEAN, List.of(sq), new Attr.Axes(List.of(0, 1, 2), false), S, "loss"),
                Graph.OutputRole.LOSS);
        return b.build();
    }

    private static Value c(GraphBuilder b, double v) {
        return b.constant(v, Shape.SCALAR, S);
    }

    private static Value step(GraphBuilder b, Random r, Value cur, Value x) {
        Shape s = cur.shape();
        return switch (r.nextInt(12)) {
            case 0 -> b.add(Op.MUL, S, "one", cur, c(b, 1));
            case 1 -> b.add(Op.SUB, S, "zero", b.add(Op.ADD, S, "z", c(b, 0), cur), c(b, 0));
            case 2 -> b.add(Op.NEG, S, "nn", b.add(Op.NEG, S, "n", b.add(Op.DIV, S, "d", cur, c(b, 1))));
            case 3 -> b.add(Op.LOG, S, "le", b.add(Op.EXP, S, "e", b.add(Op.TANH, S, "t", cur)));
            case 4 -> {
                Value flat = b.add(Op.RESHAPE, List.of(cur), new Attr.To(Shape.of(Shape.BATCH, s.dim(1) * s.dim(2))), S, "r");
                yield b.add(Op.RESHAPE, List.of(b.add(Op.RESHAPE, List.of(flat), new Attr.To(Shape.of(Shape.BATCH, s.dim(2),
                        s.dim(1))), S, "r")), new Attr.To(s), S, "r");
            }
            case 5 -> b.add(Op.TRANSPOSE, List.of(b.add(Op.TRANSPOSE, List.of(cur), new Attr.Perm(List.of(0, 2, 1)), S,
                    "t")), new Attr.Perm(List.of(0, 2, 1)), S, "tt");
            case 6 -> b.add(Op.MUL, S, "k", cur, b.add(Op.DIV, S, "kk", b.add(Op.SUB, S, "k1", c(b, 1), c(b, 0.25)), c(b, 3)));
            case 7 -> b.add(Op.ADD, S, "twice", b.add(Op.TANH, S, "a", cur), b.add(Op.TANH, S, "a", cur));
            case 8 -> b.add(Op.LOG, List.of(b.add(Op.SOFTMAX, List.of(cur), new Attr.Axis(1 + r.nextInt(2)), S, "sm")),
                    Attr.NONE, S, "lsm");
            case 9 -> b.add(Op.LOG, S, "ls", b.add(Op.SIGMOID, S, "sg", cur));
            case 10 -> b.add(Op.LOG, S, "sp", b.add(Op.ADD, S, "ope", c(b, 1), b.add(Op.EXP, S, "ex", cur)));
            default -> {
                b.add(Op.EXP, S, "dead", cur);
                yield b.add(Op.ADD, S, "plusx", cur, x);
            }
        };
    }

    /**
     * What the fusion passes regroup: a dense layer on the flattened value, x @ m or x @ m^T, plus the bias row c
     * (maybe then a ReLU, maybe with the ReLU's output read again), or plus an expression of the value (an addend);
     * differentiated, its gradients hold transposed products, matmul_tn with weight-gradient addends and ReLU masks.
     */
    private static Value layer(GraphBuilder b, Random r, Value cur, Value m, Value c) {
        Shape s = cur.shape();
        int n = s.dim(1) * s.dim(2);
        Value flat = b.add(Op.RESHAPE, List.of(cur), new Attr.To(Shape.of(Shape.BATCH, n)), S, "flat");
        // m is all ones: a mean, not a sum, keeps the values near 1 through several layers
        flat = b.add(Op.MUL, S, "scaled", flat, c(b, 1.0 / n));
        Value w = r.nextBoolean() ? m : b.add(Op.TRANSPOSE, List.of(m), new Attr.Perm(List.of(1, 0)), S, "mt");
        Value mm = b.add(Op.MATMUL, S, "mm", flat, w);
        Value out = switch (r.nextInt(3)) {
            case 0 -> b.add(Op.ADD, S, "biased", mm, c);
            case 1 -> {
                Value relu = b.add(Op.RELU, S, "relu", b.add(Op.ADD, S, "biased", c, mm));
                yield r.nextBoolean() ? relu : b.add(Op.MUL, S, "again", relu, relu);
            }
            default -> b.add(Op.ADD, S, "acc", mm, b.add(Op.TANH, S, "th", flat));
        };
        return b.add(Op.RESHAPE, List.of(out), new Attr.To(s), S, "back");
    }

    @Property(tries = 60)
    void everyPassKeepsTheGraphValid_andThePipelineKeepsEveryOutput(@ForAll @IntRange(min = 1, max = 4) int d1,
                                                                      @ForAll @IntRange(min = 1, max = 5) int d2,
                                                                      @ForAll @IntRange(min = 1, max = 12) int steps,
                                                                      @ForAll long seed) {
        Graph g = Autodiff.gradients(build(d1, d2, steps, seed));
        Graph cur = g;
        for (Passes.Pass p : Passes.PIPELINE) {
            cur = Verifier.verify(p.run().apply(cur));
        }
        Map<String, Tensor> in = PassGoldenTest.randomInputs(g, 2, new Random(seed));
        Map<String, Tensor> want = Interpreter.run(g, 2, in);
        Map<String, Tensor> got = Interpreter.run(cur, 2, in);
        want.forEach((name, t) -> {
            double[] w = t.data();
            double[] v = got.get(name).data();
            for (int i = 0; i < w.length; i++) {
                // Where the naive graph overflows (log of an underflowed softmax or sigmoid, log(1 + exp(big))),
                // the stable rewrites are meant to differ: they give the finite value the naive form lost.
                if (Double.isFinite(w[i])) {
                    assertEquals(w[i], v[i], 1e-9 * Math.max(1, Math.abs(w[i])), name + "[" + i + "]");
                }
            }
        });
    }

    @Property(tries = 15)
    void compiledWithAllPasses_equalsCompiledWithNone(@ForAll @IntRange(min = 1, max = 3) int d1,
                                                      @ForAll @IntRange(min = 1, max = 40) int d2,
                                                      @ForAll @IntRange(min = 1, max = 8) int steps,
                                                      @ForAll long seed) {
        Graph train = build(d1, d2, steps, seed);
        Graph inference = new Graph("P.inference", train.inputs(), train.body(), train.outputs(Graph.OutputRole.OUTPUT));
        ModelIr model = new ModelIr("P", "pipeline.nabla", train, inference, TrainConfig.EMPTY, Map.of());
        CompiledModel all = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)).load();
        CompiledModel none = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0), Set.copyOf(Passes.names())).load();
        float[][] a = all.spec().allocate(3);
        Initializer.initialize(all.spec(), a, seed);
        Random rnd = new Random(seed);
        float[] x = a[all.spec().indexOf("x")];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[][] n = none.spec().allocate(3);
        for (int k = 0; k < a.length && k < n.length; k++) {
            System.arraycopy(a[k], 0, n[k], 0, Math.min(a[k].length, n[k].length));
        }
        all.trainStep(a, 3);
        none.trainStep(n, 3);
        for (String name : List.of("y", "loss", "grad:w", "grad:m", "grad:c")) {
            float[] p = a[all.spec().indexOf(name)];
            float[] q = n[none.spec().indexOf(name)];
            for (int i = 0; i < Math.min(p.length, Math.max(3 * d1 * d2, d1 * d1 * d2 * d2)); i++) {
                if (Float.isFinite(q[i])) { // as above: where the naive form overflowed, the rewrite is meant to differ
                    assertEquals(q[i], p[i], 1e-4 * Math.max(1, Math.abs(q[i])), name + "[" + i + "]");
                }
            }
        }
    }
}
