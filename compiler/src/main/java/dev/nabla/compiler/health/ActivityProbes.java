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
 * training graph gets one more output, the largest value of the batch at each unit (and, for a convolution, at each
 * position of its channel): a unit was active on some example of the batch exactly when one of its values is
 * positive. The runtime ORs "max > 0" into each unit's ever-active bit ({@link GradientHealth}).
 *
 * <p>Why a maximum over the batch axis and not a count: it is one lane-wise max per element, summed row by row into a
 * buffer that stays in L1 ({@code h[j] = max(h[j], a[b, j])}, contiguous and vectorized, no horizontal reduction per
 * row and no thread hand-off), where a count took a compare, a blend and an add. A convolution's activation is read as
 * {@code [B, C*H*W]} and its buffer is {@code [C, H*W]} ({@link #bufferShape}); a dense one's is {@code [units]}.
 *
 * <p>Where it reads: a convolution's activation is usually pooled right away. When a max pool whose windows cover
 * every position reads it, the probe reads the pool's output instead, a quarter of the elements for 2x2 windows: the
 * maximum over every window is the maximum over every position (padding is never positive), so "some value of the
 * channel is positive" is the same fact. Otherwise it reads the activation the forward pass already stored for the
 * backward pass and the next layer, right after it is computed.
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
        forward.body().forEach(i -> producer.put(i.out(), i));
        Map<Value, List<Instr>> readers = readers(forward);
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
        Map<Value, List<Instr>> readers = readers(train);
        GraphBuilder b = GraphBuilder.extending(train);
        Map<Value, List<Instr>> probes = new HashMap<>();
        for (Instr act : acts) {
            int from = b.body().size();
            Value read = coveringMaxPool(act.out(), readers);
            Value maxima = probe(b, act, read);
            b.output(GradientHealth.activeName(act.out().name()), maxima, Graph.OutputRole.HEALTH);
            probes.computeIfAbsent(read, v -> new ArrayList<>()).addAll(b.body().subList(from, b.body().size()));
        }
        // Each probe right after the value it reads, while that is still in cache: kernels run in graph order.
        List<Instr> body = new ArrayList<>();
        for (Instr i : train.body()) {
            body.add(i);
            body.addAll(probes.getOrDefault(i.out(), List.of()));
        }
        Graph built = b.build();
        return built.withBody(body, built.outputs());
    }

    /**
     * The shape of the HEALTH buffer of a probe output {@code maxima} of {@code train}: {@code [C, positions]} for a
     * convolution's (its value is the flat {@code [C * positions]}, computed row-wise), else the value's own.
     */
    public static int[] bufferShape(Value maxima, Map<Value, Instr> producer) {
        Instr max = producer.get(maxima);
        Instr flat = max == null ? null : producer.get(max.args().get(0));
        if (flat != null && flat.op() == Op.RESHAPE && flat.args().get(0).shape().rank() == 4) {
            Shape s = flat.args().get(0).shape();
            return new int[] {s.dim(1), s.dim(2) * s.dim(3)};
        }
        return maxima.shape().toArray();
    }

    /** The maximum of {@code read} (the activation or its covering max pool) over every axis but the units'. */
    private static Value probe(GraphBuilder b, Instr act, Value read) {
        Shape s = read.shape();
        Value x = read;
        List<Integer> over = new ArrayList<>();
        if (s.rank() == 4) {
            // NCHW: units are channels. As [B, C*H*W], reduced over the batch only, the loop is a row-wise max.
            x = b.add(Op.RESHAPE, List.of(read), new Attr.To(Shape.of(Shape.BATCH, s.dim(1) * s.dim(2) * s.dim(3))),
                    act.span(), act.out().name() + ".health");
            over = List.of(0);
        } else {
            for (int d = 0; d < s.rank() - 1; d++) {
                over.add(d);
            }
        }
        return b.add(Op.MAX, List.of(x), new Attr.Axes(over, false), act.span(), act.out().name() + ".active");
    }

    /**
     * The output of a max pool that reads {@code v} (rank 4) with windows covering every position, or {@code v}
     * itself when there is none.
     */
    private static Value coveringMaxPool(Value v, Map<Value, List<Instr>> readers) {
        if (v.shape().rank() != 4) {
            return v;
        }
        for (Instr r : readers.getOrDefault(v, List.of())) {
            if (r.op() == Op.MAX_POOL2D && r.attr() instanceof Attr.Window w
                    && covers(w.inH(), w.outH(), w.kh(), w.sh(), w.padTop(), w.dh())
                    && covers(w.inW(), w.outW(), w.kw(), w.sw(), w.padLeft(), w.dw())) {
                return r.out();
            }
        }
        return v;
    }

    /** Whether windows {@code o * stride - pad + t * dilation} (o < out, t < k) reach every index below {@code in}. */
    public static boolean covers(int in, int out, int k, int stride, int pad, int dilation) {
        boolean[] seen = new boolean[in];
        int left = in;
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < k; t++) {
                int i = o * stride - pad + t * dilation;
                if (i >= 0 && i < in && !seen[i]) {
                    seen[i] = true;
                    left--;
                }
            }
        }
        return left == 0;
    }

    private static Map<Value, List<Instr>> readers(Graph g) {
        Map<Value, List<Instr>> readers = new HashMap<>();
        for (Instr i : g.body()) {
            i.args().forEach(a -> readers.computeIfAbsent(a, x -> new ArrayList<>()).add(i));
        }
        return readers;
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
