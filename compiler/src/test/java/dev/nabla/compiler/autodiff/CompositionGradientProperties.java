package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.nabla.compiler.autodiff.GradientChecks.random;

/**
 * Random small graphs on a batched [B,n] value: chains of elementwise ops with broadcast parameters,
 * matrix products, reductions, softmax and skip connections (values reached along several paths).
 * The gradient with respect to every parameter and the input matches finite differences.
 */
class CompositionGradientProperties {

    private static final int BATCH = 3;

    /** Builds one random graph and its feed. */
    private static final class RandomGraph {
        final Random rnd;
        final GraphBuilder b = new GraphBuilder("random");
        final Map<String, Tensor> feed = new HashMap<>();
        final List<String> wrt = new ArrayList<>();
        final List<Value> history = new ArrayList<>();
        int line = 1;

        RandomGraph(Random rnd) {
            this.rnd = rnd;
        }

        Value input(String hint, Shape s, Graph.InputRole role, double lo, double hi) {
            Value v = b.input(hint, TensorType.f32(s), role, null, Span.NONE);
            feed.put(v.name(), random(rnd, s.concrete(BATCH), lo, hi));
            if (role != Graph.InputRole.TARGET) {
                wrt.add(v.name());
            }
            return v;
        }

        Value op(Op op, Attr attr, Value... args) {
            return b.add(op, List.of(args), attr, Span.at("random.nabla", line++, 1), "v");
        }

        Value op(Op op, Value... args) {
            return op(op, Attr.NONE, args);
        }

        Value param(Shape s) {
            return input("p", s, Graph.InputRole.PARAM, -1, 1);
        }

        Value step(Value h) {
            int n = h.shape().dim(1);
            switch (rnd.nextInt(7)) {
                case 0:
                    return op(List.of(Op.TANH, Op.SIGMOID, Op.NEG).get(rnd.nextInt(3)), h);
                case 1:
                    Shape ps = List.of(Shape.of(n), Shape.of(1, n), Shape.SCALAR).get(rnd.nextInt(3));
                    return op(List.of(Op.ADD, Op.SUB, Op.MUL, Op.MAXIMUM).get(rnd.nextInt(4)), h, param(ps));
                case 2:
                    return op(Op.MATMUL, h, param(Shape.of(n, 1 + rnd.nextInt(4))));
                case 3:
                    return op(rnd.nextBoolean() ? Op.SOFTMAX : Op.LOG_SOFTMAX, new Attr.Axis(1), h);
                case 4:
                    Op red = List.of(Op.SUM, Op.MEAN, Op.MAX).get(rnd.nextInt(3));
                    return op(red, new Attr.Axes(List.of(1), true), h);
                case 5:
                    // exp(..) + sigmoid(..) > 0 keeps the division away from a pole
                    Value denominator = op(Op.ADD, op(Op.EXP, op(Op.TANH, param(Shape.of(n)))), op(Op.SIGMOID, h));
                    return op(Op.DIV, h, denominator);
                default:
                    Value earlier = history.get(rnd.nextInt(history.size()));
                    return earlier.shape().equals(h.shape()) ? op(Op.ADD, h, earlier) : op(Op.MUL, h, op(Op.TANH, h));
            }
        }

        Graph build(int steps) {
            Value h = input("x", Shape.of(Shape.BATCH, 1 + rnd.nextInt(3)), Graph.InputRole.INPUT, -1, 1);
            history.add(h);
            for (int s = 0; s < steps; s++) {
                h = step(h);
                history.add(h);
            }
            Value r = input("r", h.shape(), Graph.InputRole.TARGET, -1, 1);
            Value loss = op(rnd.nextBoolean() ? Op.SUM : Op.MEAN, new Attr.Axes(List.of(0, 1), false), op(Op.MUL, h, r));
            b.output("loss", loss, Graph.OutputRole.LOSS);
            return b.build();
        }
    }

    @Property(tries = 150)
    void randomCompositions_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        RandomGraph rg = new RandomGraph(rnd);
        Graph g = rg.build(2 + rnd.nextInt(6));
        GradientChecks.assertMatch(g, BATCH, rg.feed, rg.wrt, 1e-5);
    }
}
