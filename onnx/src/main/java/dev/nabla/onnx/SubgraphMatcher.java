package dev.nabla.onnx;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Value;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a value of a graph is computed exactly as a value of a reference graph: walking back from the two, every
 * instruction must have the same op, attribute, result type and operands in the same order, down to the reference's
 * inputs. A reference INPUT stands for any value of its type; a reference PARAM for a parameter or state of the
 * graph (whose values the exporter has). The graph may share more than the reference (one transpose where the
 * reference has one per step), never less: each reference value maps to one graph value.
 */
final class SubgraphMatcher {

    private final GraphIndex reference;
    private final GraphIndex graph;
    private final Map<Value, Value> bound = new HashMap<>();
    private final Set<Instr> covered = new LinkedHashSet<>();

    SubgraphMatcher(GraphIndex reference, GraphIndex graph) {
        this.reference = reference;
        this.graph = graph;
    }

    /** The graph value a reference value was matched to (the reference's inputs after a successful match). */
    Value bound(Value ref) {
        return bound.get(ref);
    }

    /** The graph's instructions that matched reference instructions. */
    Set<Instr> covered() {
        return covered;
    }

    boolean matches(Value ref, Value actual) {
        Value earlier = bound.get(ref);
        if (earlier != null) {
            return earlier.equals(actual);
        }
        if (!ref.type().equals(actual.type())) {
            return false;
        }
        Graph.InputRole role = reference.role(ref);
        if (role != null) {
            boolean fits = role == Graph.InputRole.INPUT || graph.isWeight(actual);
            if (fits) {
                bound.put(ref, actual);
            }
            return fits;
        }
        Instr r = reference.def(ref);
        Instr a = graph.def(actual);
        if (a == null || r.op() != a.op() || !r.attr().equals(a.attr()) || r.args().size() != a.args().size()) {
            return false;
        }
        bound.put(ref, actual);
        covered.add(a);
        for (int k = 0; k < r.args().size(); k++) {
            if (!matches(r.args().get(k), a.args().get(k))) {
                return false;
            }
        }
        return true;
    }
}
