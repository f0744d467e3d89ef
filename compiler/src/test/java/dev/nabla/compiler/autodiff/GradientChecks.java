package dev.nabla.compiler.autodiff;

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

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Symbolic gradients through the interpreter versus central finite differences, in double precision. */
final class GradientChecks {

    static final double STEP = 1e-6;

    private GradientChecks() {
    }

    static double loss(Graph g, int batch, Map<String, Tensor> feed) {
        String name = g.outputs(Graph.OutputRole.LOSS).get(0).name();
        return Interpreter.run(g, batch, feed).get(name).item();
    }

    /** The GRAD outputs of the verified gradient graph, by the name of the value they differentiate by. */
    static Map<String, Tensor> symbolic(Graph g, int batch, Map<String, Tensor> feed, List<String> wrt) {
        Graph grad = Verifier.verify(Autodiff.gradients(g, wrt));
        Map<String, Tensor> all = Interpreter.runAll(grad, batch, feed);
        Map<String, Tensor> out = new HashMap<>();
        for (Graph.Output o : grad.outputs(Graph.OutputRole.GRAD)) {
            out.put(o.name(), all.get(o.value().name()));
        }
        return out;
    }

    static double[] numeric(Graph g, int batch, Map<String, Tensor> feed, String name) {
        Tensor x = feed.get(name);
        double[] d = new double[x.size()];
        Map<String, Tensor> moved = new HashMap<>(feed);
        for (int i = 0; i < d.length; i++) {
            moved.put(name, x.with(i, x.at(i) + STEP));
            double up = loss(g, batch, moved);
            moved.put(name, x.with(i, x.at(i) - STEP));
            double down = loss(g, batch, moved);
            d[i] = (up - down) / (2 * STEP);
        }
        return d;
    }

    /** Fails naming the value and element when |symbolic - numeric| > tol * max(1, |symbolic|, |numeric|). */
    static void assertMatch(Graph g, int batch, Map<String, Tensor> feed, List<String> wrt, double tol) {
        Map<String, Tensor> sym = symbolic(g, batch, feed, wrt);
        for (String name : wrt) {
            double[] num = numeric(g, batch, feed, name);
            Tensor s = sym.get(name);
            for (int i = 0; i < num.length; i++) {
                double a = s.at(i);
                double scale = Math.max(1, Math.max(Math.abs(a), Math.abs(num[i])));
                if (Math.abs(a - num[i]) > tol * scale) {
                    fail("d loss / d " + name + "[" + i + "]: symbolic " + a + ", finite differences " + num[i]
                            + "\n" + Autodiff.gradients(g, wrt));
                }
            }
        }
    }

    /** One operand of an op under test: its static shape, its concrete values, and whether it is differentiated. */
    record Operand(Shape shape, Tensor value, boolean wrt) {
    }

    /**
     * The symbolic gradient of sum(op(operands) * R), R fixed and random, matches central finite differences
     * with respect to every operand marked {@code wrt}.
     */
    static void assertOpMatches(Op op, Attr attr, Random rnd, int batch, double tol, Operand... operands) {
        GraphBuilder b = new GraphBuilder("op");
        Map<String, Tensor> feed = new HashMap<>();
        List<Value> args = new ArrayList<>();
        List<String> wrt = new ArrayList<>();
        for (Operand o : operands) {
            Graph.InputRole role = o.wrt() ? Graph.InputRole.PARAM : Graph.InputRole.INPUT;
            Value v = b.input("a", TensorType.f32(o.shape()), role, null, Span.NONE);
            args.add(v);
            feed.put(v.name(), o.value());
            if (o.wrt()) {
                wrt.add(v.name());
            }
        }
        Value out = b.add(op, args, attr, Span.at("op.nabla", 1, 1), "out");
        Value r = b.input("r", out.type(), Graph.InputRole.INPUT, null, Span.NONE);
        feed.put("r", random(rnd, out.shape().concrete(batch), -1, 1));
        Value projected = b.add(Op.MUL, Span.at("op.nabla", 2, 1), "p", out, r);
        Value loss = projected.shape().isScalar() ? projected
                : b.add(Op.SUM, List.of(projected), new Attr.Axes(allAxes(projected.shape()), false), Span.at("op.nabla", 3, 1), "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        assertMatch(b.build(), batch, feed, wrt, tol);
    }

    static List<Integer> allAxes(Shape s) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            axes.add(i);
        }
        return axes;
    }

    static Tensor random(Random rnd, int[] shape, double lo, double hi) {
        double[] d = new double[Tensor.size(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return new Tensor(shape, d);
    }

    /**
     * Values whose pairwise differences are at least 0.05, in random order, all shifted by {@code offset}: a
     * finite-difference step never changes which of two of them is the larger (the kinks of max, max pooling, maximum
     * and minimum). Two tensors made with offsets 0 and 0.0125 hold no value within 0.0125 of the other's, whatever
     * their sizes (centring by half the size moves a tensor by a multiple of 0.025).
     */
    static Tensor distinct(Random rnd, int[] shape, double offset) {
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < Tensor.size(shape); i++) {
            ranks.add(i);
        }
        Collections.shuffle(ranks, rnd);
        double[] d = new double[ranks.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (ranks.get(i) - d.length / 2.0) * 0.05 + offset;
        }
        return new Tensor(shape, d);
    }

    /** Values with |x| in [lo, hi] and a random sign: away from the kinks of abs and relu at 0. */
    static Tensor awayFromZero(Random rnd, int[] shape, double lo, double hi) {
        Tensor t = random(rnd, shape, lo, hi);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextBoolean() ? d[i] : -d[i];
        }
        return new Tensor(shape, d);
    }
}
