package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode symbolic differentiation over the IR. The result is the forward graph with a backward
 * body appended and one GRAD output per requested value (named after it); the forward outputs stay.
 * Nothing is recomputed: gradient rules read forward values. Only instructions on a path from a
 * requested value to the loss are differentiated, so no dead backward code is emitted; a requested value
 * the loss does not depend on gets a zero gradient.
 */
public final class Autodiff {

    private final Graph forward;
    private final GraphBuilder builder;
    private final Emitter emit;
    private final Map<String, List<Value>> contributions = new HashMap<>();
    private final Map<String, Span> definedAt = new HashMap<>();

    private Autodiff(Graph forward) {
        this.forward = forward;
        this.builder = GraphBuilder.extending(forward);
        this.emit = new Emitter(builder);
        forward.inputs().forEach(in -> definedAt.put(in.value().name(), in.span()));
        forward.body().forEach(i -> definedAt.put(i.out().name(), i.span()));
    }

    /** Gradients of the graph's LOSS with respect to every PARAM. */
    public static Graph gradients(Graph train) {
        return gradients(train, train.inputs(Graph.InputRole.PARAM).stream().map(i -> i.value().name()).toList());
    }

    /**
     * Gradients of the graph's single LOSS output with respect to the named f32 values (inputs of any role,
     * or intermediate values).
     */
    public static Graph gradients(Graph train, List<String> wrt) {
        return new Autodiff(train).differentiate(wrt);
    }

    private Graph differentiate(List<String> wrt) {
        Value loss = lossOf(forward);
        Map<String, Value> targets = resolve(wrt);
        Set<String> active = dependents(targets.keySet());
        if (active.contains(loss.name())) {
            emit.at(definedAt.get(loss.name()), loss.name());
            contributions.put(loss.name(), new ArrayList<>(List.of(emit.constant(1.0))));
            backward(active);
        }
        for (Value v : targets.values()) {
            builder.output(v.name(), gradientOf(v), Graph.OutputRole.GRAD);
        }
        return builder.build();
    }

    private static Value lossOf(Graph g) {
        List<Graph.Output> losses = g.outputs(Graph.OutputRole.LOSS);
        if (losses.size() != 1) {
            throw new IllegalArgumentException("graph " + g.name() + " needs exactly one loss output, has " + losses.size());
        }
        Value loss = losses.get(0).value();
        if (!loss.shape().isScalar()) {
            throw new IllegalArgumentException("the loss of " + g.name() + " must be a scalar, is " + loss.type());
        }
        return loss;
    }

    private Map<String, Value> resolve(List<String> wrt) {
        Map<String, Value> byName = new HashMap<>();
        forward.inputs().forEach(in -> byName.put(in.value().name(), in.value()));
        forward.body().forEach(i -> byName.put(i.out().name(), i.out()));
        Map<String, Value> out = new LinkedHashMap<>();
        for (String name : wrt) {
            Value v = byName.get(name);
            if (v == null) {
                throw new IllegalArgumentException("graph " + forward.name() + " has no value " + name);
            }
            if (v.dtype() != DType.F32) {
                throw new IllegalArgumentException("cannot differentiate with respect to integer value " + name);
            }
            out.put(name, v);
        }
        return out;
    }

    /** Values that depend differentiably on the requested ones: gradients flow only among these. */
    private Set<String> dependents(Set<String> wrt) {
        Set<String> active = new HashSet<>(wrt);
        for (Instr i : forward.body()) {
            boolean fed = false;
            for (int k = 0; k < i.args().size(); k++) {
                fed |= active.contains(i.args().get(k).name()) && GradientRules.flowsTo(i.op(), k);
            }
            if (fed && i.out().dtype() == DType.F32) {
                active.add(i.out().name());
            }
        }
        return active;
    }

    private void backward(Set<String> active) {
        List<Instr> body = forward.body();
        for (int k = body.size() - 1; k >= 0; k--) {
            Instr i = body.get(k);
            if (!active.contains(i.out().name()) || !contributions.containsKey(i.out().name())) {
                continue;
            }
            Value g = accumulated(i.out());
            Value previous = null;
            for (int operand = 0; operand < i.args().size(); operand++) {
                Value arg = i.args().get(operand);
                if (active.contains(arg.name()) && GradientRules.flowsTo(i.op(), operand)) {
                    // x * x, x + x: a symmetric op gives both operands the same gradient; emit it once
                    boolean repeat = operand == 1 && i.op().commutative() && arg.equals(i.args().get(0));
                    Value d = repeat ? previous : contribution(i, g, operand);
                    if (d != null) {
                        contributions.computeIfAbsent(arg.name(), n -> new ArrayList<>()).add(d);
                    }
                    previous = d;
                }
            }
        }
    }

    private Value contribution(Instr i, Value g, int operand) {
        Value arg = i.args().get(operand);
        emit.at(i.span(), arg.name());
        Value d = GradientRules.RULES.get(i.op()).grad(emit, i, g, operand);
        return d == null ? null : emit.sumTo(d, arg.shape());
    }

    /** The sum of every gradient reaching {@code v} along different paths. */
    private Value accumulated(Value v) {
        List<Value> parts = contributions.get(v.name());
        emit.at(definedAt.get(v.name()), v.name());
        Value total = parts.get(0);
        for (int p = 1; p < parts.size(); p++) {
            total = emit.add(total, parts.get(p));
        }
        contributions.put(v.name(), new ArrayList<>(List.of(total)));
        return total;
    }

    private Value gradientOf(Value v) {
        if (contributions.containsKey(v.name())) {
            return accumulated(v);
        }
        emit.at(definedAt.get(v.name()), v.name());
        return emit.constant(0.0, v.shape());
    }
}
