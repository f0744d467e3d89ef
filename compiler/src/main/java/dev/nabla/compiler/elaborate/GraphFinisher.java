package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finishes a model's two elaborated graphs (one per value of {@code training}): the training graph keeps what its
 * loss, outputs and state updates need, the inference graph what its outputs need. The inference graph may only
 * read parameters and state the training graph declares too, and has the same outputs, since the buffers are laid
 * out from the training graph.
 */
final class GraphFinisher {

    /** {@code evaluation}: the inference graph's outputs and its loss, null without a loss. */
    record Graphs(Graph train, Graph inference, Graph evaluation) {
    }

    private GraphFinisher() {
    }

    /** Reports outputs that need a target (unavailable at inference); {@code outputSpans} positions them. */
    static Graphs split(Graph trainAll, Graph all, String model, Map<String, Span> outputSpans, Diagnostics diagnostics) {
        Graph train = live(trainAll, trainAll.outputs(), trainAll.name());
        List<Graph.Output> outputs = all.outputs(Graph.OutputRole.OUTPUT);
        Graph inference = live(all, outputs, model + ".inference");
        sameDeclarations(trainAll, all, outputSpans, diagnostics);
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
        List<Graph.Output> withLoss = all.outputs().stream()
                .filter(o -> o.role() == Graph.OutputRole.OUTPUT || o.role() == Graph.OutputRole.LOSS).toList();
        Graph evaluation = all.outputs(Graph.OutputRole.LOSS).isEmpty() ? null : live(all, withLoss, model + ".eval");
        return new Graphs(train, new Graph(inference.name(), inputs, inference.body(), inference.outputs()), evaluation);
    }

    private static void sameDeclarations(Graph train, Graph inference, Map<String, Span> outputSpans,
                                         Diagnostics diagnostics) {
        Map<String, Value> declared = new HashMap<>();
        train.inputs().forEach(in -> declared.put(in.value().name(), in.value()));
        for (Graph.Input in : inference.inputs()) {
            Value t = declared.get(in.value().name());
            if (t == null || !t.type().equals(in.value().type())) {
                diagnostics.error(in.span(), in.role().name().toLowerCase() + " '" + in.value().name() + "' is only declared"
                        + " when not training; declare it outside 'if training' so both graphs have it");
            }
        }
        Map<String, Value> trainOutputs = new HashMap<>();
        train.outputs(Graph.OutputRole.OUTPUT).forEach(o -> trainOutputs.put(o.name(), o.value()));
        for (Graph.Output o : train.outputs(Graph.OutputRole.OUTPUT)) {
            if (inference.outputs(Graph.OutputRole.OUTPUT).stream().noneMatch(i -> i.name().equals(o.name()))) {
                diagnostics.error(outputSpans.get(o.name()), "output '" + o.name() + "' is only declared when training;"
                        + " predict could not compute it: declare it outside 'if training'");
            }
        }
        for (Graph.Output o : inference.outputs(Graph.OutputRole.OUTPUT)) {
            Value t = trainOutputs.get(o.name());
            if (t == null || !t.type().equals(o.value().type())) {
                diagnostics.error(outputSpans.get(o.name()), "output '" + o.name() + "' must be the same in both graphs"
                        + (t == null ? "; declare it outside 'if training'" : ": " + t.type() + " in training, "
                        + o.value().type() + " in inference"));
            }
        }
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
