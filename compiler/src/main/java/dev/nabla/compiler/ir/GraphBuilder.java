package dev.nabla.compiler.ir;

import dev.nabla.compiler.shape.ShapeRules;
import dev.nabla.runtime.InitSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a graph instruction by instruction, inferring each result type with {@link ShapeRules}
 * (which throws {@link dev.nabla.compiler.shape.ShapeException} on a mismatch) and keeping value
 * names unique: a second {@code h} becomes {@code h.1}.
 */
public final class GraphBuilder {

    private final String name;
    private final List<Graph.Input> inputs = new ArrayList<>();
    private final List<Instr> body = new ArrayList<>();
    private final List<Graph.Output> outputs = new ArrayList<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    public GraphBuilder(String name) {
        this.name = name;
    }

    /** Starts from an existing graph's inputs and body (for example to append a backward pass). */
    public static GraphBuilder extending(Graph g) {
        GraphBuilder b = new GraphBuilder(g.name());
        g.inputs().forEach(in -> b.reserve(in.value().name()).inputs.add(in));
        g.body().forEach(i -> b.reserve(i.out().name()).body.add(i));
        b.outputs.addAll(g.outputs());
        return b;
    }

    private GraphBuilder reserve(String n) {
        used.add(n);
        return this;
    }

    /** A fresh value name based on {@code hint}. */
    public String fresh(String hint) {
        String base = hint == null || hint.isEmpty() ? "t" : hint;
        if (used.add(base)) {
            return base;
        }
        int n = counters.getOrDefault(base, 0);
        String candidate;
        do {
            n++;
            candidate = base + "." + n;
        } while (!used.add(candidate));
        counters.put(base, n);
        return candidate;
    }

    public Value input(String hint, TensorType type, Graph.InputRole role, InitSpec init, Span span) {
        Value v = new Value(fresh(hint), type);
        inputs.add(new Graph.Input(v, role, init, span));
        return v;
    }

    /** Appends {@code op(args){attr}}; the result type comes from the op's shape rule. */
    public Value add(Op op, List<Value> args, Attr attr, Span span, String hint) {
        TensorType type = ShapeRules.infer(op, args.stream().map(Value::type).toList(), attr);
        Value out = new Value(fresh(hint), type);
        body.add(new Instr(out, op, args, attr, span));
        return out;
    }

    public Value add(Op op, Span span, String hint, Value... args) {
        return add(op, List.of(args), Attr.NONE, span, hint);
    }

    public Value constant(double value, Shape shape, Span span) {
        Value out = new Value(fresh("c"), TensorType.f32(shape));
        body.add(new Instr(out, Op.CONSTANT, List.of(), new Attr.Const(value), span));
        return out;
    }

    public void output(String outName, Value v, Graph.OutputRole role) {
        outputs.add(new Graph.Output(outName, v, role));
    }

    public List<Instr> body() {
        return List.copyOf(body);
    }

    /** The instruction added so far whose result is {@code v}, or null (an input, or a value of no instruction here). */
    public Instr producer(Value v) {
        for (int i = body.size() - 1; i >= 0; i--) {
            if (body.get(i).out().equals(v)) {
                return body.get(i);
            }
        }
        return null;
    }

    public Graph build() {
        return new Graph(name, inputs, body, outputs);
    }
}
