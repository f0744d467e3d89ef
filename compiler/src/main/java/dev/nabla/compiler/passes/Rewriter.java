package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.shape.ShapeRules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One walk over a graph in order for a rewriting pass: each instruction, with its operands already replaced, may be
 * kept, replaced by an earlier value of its type, or replaced by new instructions built with {@link #add}, which
 * get fresh names in the graph's namespace. Readers of a replaced value (instructions and outputs) read its
 * replacement. The producers of values are at hand ({@link #producer}), so rules can match patterns upward.
 */
final class Rewriter {

    /** One instruction's rewrite: the value that stands for it, or null to keep it. */
    @FunctionalInterface
    interface Rule {
        Value rewrite(Rewriter r, Instr i);
    }

    private final Map<Value, Value> replaced = new HashMap<>();
    private final Map<Value, Instr> producers = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final List<Instr> body = new ArrayList<>();
    private Span span;
    /** Whether the rule replaced the current instruction by {@link #recompute}. */
    private boolean recomputed;

    private Rewriter(Graph g) {
        g.inputs().forEach(in -> names.add(in.value().name()));
        g.body().forEach(i -> names.add(i.out().name()));
    }

    /** Applies {@code rule} to every instruction of {@code g} in order. */
    static Graph apply(Graph g, Rule rule) {
        Rewriter r = new Rewriter(g);
        for (Instr original : g.body()) {
            List<Value> args = original.args().stream().map(r::current).toList();
            Instr i = args.equals(original.args()) ? original
                    : new Instr(original.out(), original.op(), args, original.attr(), original.span());
            r.span = i.span();
            r.recomputed = false;
            Value v = rule.rewrite(r, i);
            if (r.recomputed) {
                continue;
            }
            if (v == null || v.equals(i.out())) {
                r.keep(i);
            } else {
                if (!v.type().equals(i.out().type())) {
                    throw new IllegalStateException("a rewrite of " + i + " changed its type to " + v.type());
                }
                r.replaced.put(i.out(), v);
            }
        }
        List<Graph.Output> outputs = g.outputs().stream()
                .map(o -> new Graph.Output(o.name(), r.current(o.value()), o.role())).toList();
        return g.withBody(r.body, outputs);
    }

    private void keep(Instr i) {
        body.add(i);
        producers.put(i.out(), i);
    }

    Value current(Value v) {
        Value r = replaced.get(v);
        return r == null ? v : current(r);
    }

    /** The instruction computing {@code v} in the rewritten graph, or null for an input. */
    Instr producer(Value v) {
        return producers.get(v);
    }

    /** Whether {@code v} is a constant, and which. */
    Double constant(Value v) {
        Instr p = producer(v);
        return p != null && p.op() == Op.CONSTANT ? ((Attr.Const) p.attr()).value() : null;
    }

    /** A new instruction placed where the one being rewritten stood, at its position in the source. */
    Value add(Op op, Attr attr, String hint, Value... args) {
        List<Value> a = List.of(args);
        TensorType type = ShapeRules.infer(op, a.stream().map(Value::type).toList(), attr);
        Value out = new Value(fresh(hint), type);
        keep(new Instr(out, op, a, attr, span));
        return out;
    }

    Value add(Op op, String hint, Value... args) {
        return add(op, Attr.NONE, hint, args);
    }

    /** The instruction's value, computed by another op: it keeps its name and its readers. */
    Value recompute(Instr i, Op op, Attr attr, List<Value> args) {
        TensorType type = op == Op.CONSTANT ? i.out().type() : ShapeRules.infer(op, args.stream().map(Value::type).toList(), attr);
        if (!type.equals(i.out().type())) {
            throw new IllegalStateException("recomputing " + i + " as " + op + " changes its type to " + type);
        }
        keep(new Instr(i.out(), op, args, attr, i.span()));
        recomputed = true;
        return i.out();
    }

    Value constant(double value, Shape shape, String hint) {
        Value out = new Value(fresh(hint), TensorType.f32(shape));
        keep(new Instr(out, Op.CONSTANT, List.of(), new Attr.Const(value), span));
        return out;
    }

    private String fresh(String hint) {
        String name = hint;
        for (int n = 1; !names.add(name); n++) {
            name = hint + "." + n;
        }
        return name;
    }
}
