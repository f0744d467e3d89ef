package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splits a model's elaborated graph into its training and inference graphs, each without dead code. */
final class GraphFinisher {

    record Graphs(Graph train, Graph inference) {
    }

    private GraphFinisher() {
    }

    /** Reports outputs that need a target (unavailable at inference); {@code outputSpans} positions them. */
    static Graphs split(Graph all, String model, Map<String, Span> outputSpans, Diagnostics diagnostics) {
        Graph train = live(all, all.outputs(), all.name());
        List<Graph.Output> outputs = all.outputs(Graph.OutputRole.OUTPUT);
        Graph inference = live(all, outputs, model + ".inference");
        for (Graph.Output o : outputs) {
            Set<String> needed = reachable(all, List.of(o));
            for (Graph.Input t : all.inputs(Graph.InputRole.TARGET)) {
                if (needed.contains(t.value().name())) {
                    diagnostics.error(outputSpans.get(o.name()), "output '" + o.name() + "' depends on target '"
                            + t.value().name() + "', which is not available at inference");
                }
            }
        }
        List<Graph.Input> inputs = all.inputs().stream().filter(i -> i.role() != Graph.InputRole.TARGET).toList();
        return new Graphs(train, new Graph(inference.name(), inputs, inference.body(), inference.outputs()));
    }

    private static Graph live(Graph g, List<Graph.Output> outputs, String name) {
        Set<String> needed = reachable(g, outputs);
        List<Instr> body = g.body().stream().filter(i -> needed.contains(i.out().name())).toList();
        return new Graph(name, g.inputs(), body, outputs);
    }

    /** Names of every value the outputs depend on, inputs included. */
    private static Set<String> reachable(Graph g, List<Graph.Output> outputs) {
        Set<String> needed = new HashSet<>();
        outputs.forEach(o -> needed.add(o.value().name()));
        List<Instr> body = new ArrayList<>(g.body());
        for (int i = body.size() - 1; i >= 0; i--) {
            Instr instr = body.get(i);
            if (needed.contains(instr.out().name())) {
                instr.args().stream().map(Value::name).forEach(needed::add);
            }
        }
        return needed;
    }
}
