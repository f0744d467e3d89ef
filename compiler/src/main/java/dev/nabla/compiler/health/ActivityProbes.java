package dev.nabla.compiler.health;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.train.GradientHealth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dead units, measured by the training step itself: for each ReLU-family activation {@code a : [B, ..., units]} the
 * training graph gets one more output, {@code sum(a > 0)} over every axis but the units' (axis 1 of an NCHW
 * convolution output, else the last), the number of examples (and positions) of the batch that made each unit
 * positive. It reads the activation the forward pass already stored for the backward pass and the next layer, and
 * writes one float per unit: the reduction is one more pass over that buffer, contiguous and vectorized (a dense
 * activation is summed over the batch row by row; a convolution's is read as {@code [B, C, H*W]}), which costs about
 * one element of the layer's own work per element (the layer does dozens to hundreds of multiply-adds per element).
 * The runtime ORs "count > 0" into each unit's ever-active bit ({@link GradientHealth}).
 *
 * <p>A ReLU-family activation is {@code relu(x)}, or {@code where(x > 0, x, anything)} (leaky_relu, elu: the identity
 * on the positive side, so the unit is active exactly where its output is positive), that feeds another layer (a
 * matrix product, convolution or pooling, through elementwise and layout ops): a ReLU inside a loss (hinge) is not a
 * layer's units.
 */
public final class ActivityProbes {

    private ActivityProbes() {
    }

    /** The ReLU-family activations of {@code forward} that feed a layer, in graph order. */
    public static List<Instr> activations(Graph forward) {
        Map<Value, Instr> producer = new HashMap<>();
        Map<Value, List<Instr>> readers = new HashMap<>();
        for (Instr i : forward.body()) {
            producer.put(i.out(), i);
            i.args().forEach(a -> readers.computeIfAbsent(a, x -> new ArrayList<>()).add(i));
        }
        List<Instr> out = new ArrayList<>();
        for (Instr i : forward.body()) {
            Shape s = i.out().shape();
            boolean batched = s.rank() >= 2 && s.dim(0) == Shape.BATCH;
            if (batched && reluFamily(i, producer) && feedsALayer(i.out(), readers)) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * {@code train} (the training graph with its gradients, whose forward part is {@code forward}) with one HEALTH
     * output per activation, named {@link GradientHealth#activeName} of the activation's value.
     */
    public static Graph instrument(Graph forward, Graph train) {
        List<Instr> acts = activations(forward);
        if (acts.isEmpty()) {
            return train;
        }
        GraphBuilder b = GraphBuilder.extending(train);
        Map<Value, List<Instr>> probes = new HashMap<>();
        for (Instr act : acts) {
            int from = b.body().size();
            Value counts = probe(b, act);
            b.output(GradientHealth.activeName(act.out().name()), counts, Graph.OutputRole.HEALTH);
            probes.put(act.out(), b.body().subList(from, b.body().size()));
        }
        // Each probe right after its activation, while the activation is still in cache: kernels run in graph order.
        List<Instr> body = new ArrayList<>();
        for (Instr i : train.body()) {
            body.add(i);
            body.addAll(probes.getOrDefault(i.out(), List.of()));
        }
        Graph built = b.build();
        return built.withBody(body, built.outputs());
    }

    /** {@code sum(a > 0)} over every axis but the units'. */
    private static Value probe(GraphBuilder b, Instr act) {
        Value v = act.out();
        Shape s = v.shape();
        Value x = v;
        List<Integer> over = new ArrayList<>();
        if (s.rank() == 4) {
            // NCHW: units are channels; [B, C, H*W] so the summed positions are contiguous.
            x = b.add(Op.RESHAPE, List.of(v), new Attr.To(Shape.of(Shape.BATCH, s.dim(1), s.dim(2) * s.dim(3))),
                    act.span(), v.name() + ".health");
            over = List.of(0, 2);
        } else {
            for (int d = 0; d < s.rank() - 1; d++) {
                over.add(d);
            }
        }
        Value zero = b.constant(0, Shape.SCALAR, act.span());
        Value positive = b.add(Op.GREATER, act.span(), v.name() + ".active", x, zero);
        return b.add(Op.SUM, List.of(positive), new Attr.Axes(over, false), act.span(), v.name() + ".active");
    }

    private static boolean reluFamily(Instr i, Map<Value, Instr> producer) {
        if (i.op() == Op.RELU) {
            return true;
        }
        if (i.op() != Op.SELECT) {
            return false;
        }
        Instr cond = producer.get(i.args().get(0));
        return cond != null && cond.op() == Op.GREATER && cond.args().get(0).equals(i.args().get(1))
                && isZero(producer.get(cond.args().get(1)), producer);
    }

    /** A constant 0, maybe broadcast. */
    private static boolean isZero(Instr c, Map<Value, Instr> producer) {
        if (c != null && c.op() == Op.BROADCAST) {
            return isZero(producer.get(c.args().get(0)), producer);
        }
        return c != null && c.op() == Op.CONSTANT && ((Attr.Const) c.attr()).value() == 0;
    }

    /** Whether {@code v} reaches a contraction or pooling through elementwise and layout ops. */
    private static boolean feedsALayer(Value v, Map<Value, List<Instr>> readers) {
        Deque<Value> todo = new ArrayDeque<>(List.of(v));
        Set<Value> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            for (Instr r : readers.getOrDefault(todo.pop(), List.of())) {
                switch (r.op().family()) {
                    case CONTRACTION, WINDOW -> {
                        return true;
                    }
                    case UNARY, BINARY, TERNARY, LAYOUT -> {
                        if (seen.add(r.out())) {
                            todo.push(r.out());
                        }
                    }
                    case REDUCTION, AXIS, SOURCE -> { }
                }
            }
        }
        return false;
    }
}
