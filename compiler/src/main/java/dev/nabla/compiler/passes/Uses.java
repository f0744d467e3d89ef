package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who computes and who reads each value of one graph: what the fusion passes match their patterns against. */
final class Uses {

    /** Operand {@code operand} of {@code reader} is the value. */
    record Read(Instr reader, int operand) {
    }

    private final Map<Value, Instr> producers = new HashMap<>();
    private final Map<Value, List<Read>> reads = new HashMap<>();
    private final Map<Value, Integer> positions = new HashMap<>();
    private final Set<Value> outputs = new HashSet<>();

    Uses(Graph g) {
        for (int p = 0; p < g.body().size(); p++) {
            Instr i = g.body().get(p);
            producers.put(i.out(), i);
            positions.put(i.out(), p);
            for (int k = 0; k < i.args().size(); k++) {
                reads.computeIfAbsent(i.args().get(k), v -> new ArrayList<>()).add(new Read(i, k));
            }
        }
        g.outputs().forEach(o -> outputs.add(o.value()));
    }

    /** The instruction computing {@code v}, or null for an input. */
    Instr producer(Value v) {
        return producers.get(v);
    }

    /** Every operand reading {@code v}, in graph order. */
    List<Read> reads(Value v) {
        return reads.getOrDefault(v, List.of());
    }

    boolean output(Value v) {
        return outputs.contains(v);
    }

    /** The body index of {@code v}'s instruction; -1 for an input. */
    int position(Value v) {
        return positions.getOrDefault(v, -1);
    }

    /** The one instruction reading {@code v}, when it reads it once and v is no output; else null. */
    Instr onlyReader(Value v) {
        List<Read> r = reads(v);
        return r.size() == 1 && !output(v) ? r.get(0).reader() : null;
    }

    /** Whether {@code v} is a scalar constant 0. */
    boolean isZero(Value v) {
        Instr p = producer(v);
        return p != null && p.op() == Op.CONSTANT && ((Attr.Const) p.attr()).value() == 0 && v.shape().isScalar();
    }

    /** The operand of binary {@code i} that is not {@code v}. */
    static Value other(Instr i, Value v) {
        return i.args().get(0).equals(v) ? i.args().get(1) : i.args().get(0);
    }

    /**
     * The body of {@code g} with the instructions in {@code dropped} left out and, where each key of
     * {@code replaced} stood, its replacements instead (the fused instruction, which keeps the name of the last value
     * it absorbs, so readers and outputs need no change).
     */
    static Graph rebuild(Graph g, Set<Instr> dropped, Map<Instr, List<Instr>> replaced) {
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            if (replaced.containsKey(i)) {
                body.addAll(replaced.get(i));
            } else if (!dropped.contains(i)) {
                body.add(i);
            }
        }
        return g.withBody(body, g.outputs());
    }
}
