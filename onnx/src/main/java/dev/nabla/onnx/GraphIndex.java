package dev.nabla.onnx;

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

/** Who defines and who reads each value of a graph: what the layer recognizers walk. */
final class GraphIndex {

    private final Graph graph;
    private final Map<Value, Instr> defs = new HashMap<>();
    private final Map<Value, List<Instr>> readers = new HashMap<>();
    private final Map<Value, Graph.InputRole> inputs = new HashMap<>();
    private final Set<Value> outputs = new HashSet<>();

    GraphIndex(Graph graph) {
        this.graph = graph;
        graph.inputs().forEach(in -> inputs.put(in.value(), in.role()));
        for (Instr i : graph.body()) {
            defs.put(i.out(), i);
            for (Value a : i.args()) {
                readers.computeIfAbsent(a, v -> new ArrayList<>()).add(i);
            }
        }
        graph.outputs().forEach(o -> outputs.add(o.value()));
    }

    Graph graph() {
        return graph;
    }

    /** The instruction defining {@code v}, or null for a graph input. */
    Instr def(Value v) {
        return defs.get(v);
    }

    /** The instruction defining {@code v} if it is an {@code op}, else null. */
    Instr def(Value v, Op op) {
        Instr i = defs.get(v);
        return i != null && i.op() == op ? i : null;
    }

    /** The role of a graph input, or null for a value an instruction defines. */
    Graph.InputRole role(Value v) {
        return inputs.get(v);
    }

    /** A parameter or state: an initializer of the exported model, whose values the exporter has. */
    boolean isWeight(Value v) {
        Graph.InputRole r = inputs.get(v);
        return r == Graph.InputRole.PARAM || r == Graph.InputRole.STATE;
    }

    /**
     * Whether the instructions of {@code layer} other than {@code root} compute values nothing outside the layer
     * reads: only then can one ONNX node replace them all.
     */
    boolean internal(Set<Instr> layer, Instr root) {
        for (Instr i : layer) {
            if (i == root) {
                continue;
            }
            if (outputs.contains(i.out())) {
                return false;
            }
            for (Instr reader : readers.getOrDefault(i.out(), List.of())) {
                if (!layer.contains(reader)) {
                    return false;
                }
            }
        }
        return true;
    }
}
