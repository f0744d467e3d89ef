package dev.nabla.compiler.report;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.passes.Passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model at a glance, as Keras's {@code model.summary()}: one row per layer call of the inference graph (the values
 * a call makes share its name's first part, {@code hidden.mm} and {@code hidden} are the call {@code hidden}), with
 * its output shape, parameter count and FLOPs per example; then the totals of trainable parameters and state, the
 * bytes of the weights, and FLOPs per example in inference and in a training step (forward and backward, after the
 * optimization passes, not the fusion passes, which would merge a layer's ops into one: a fused op counts the FLOPs of
 * the ops it stands for anyway).
 */
public final class ModelSummary {

    /** One layer call. */
    public record Row(String layer, String op, Shape output, long params, long flops) {
    }

    private ModelSummary() {
    }

    public static List<Row> rows(ModelIr m) {
        return rows(m, Passes.run(m.inference(), Passes.FUSION));
    }

    /** The rows of {@code g}, the model's optimized inference graph. */
    private static List<Row> rows(ModelIr m, Graph g) {
        Map<String, List<Instr>> calls = new LinkedHashMap<>();
        for (Instr i : g.body()) {
            calls.computeIfAbsent(call(i.out()), k -> new ArrayList<>()).add(i);
        }
        List<Row> rows = new ArrayList<>();
        for (Graph.Input in : g.inputs(Graph.InputRole.INPUT)) {
            rows.add(new Row(in.value().name(), "input", in.value().shape(), 0, 0));
        }
        Map<String, Long> params = new LinkedHashMap<>();
        for (Graph.Input p : m.train().inputs(Graph.InputRole.PARAM)) {
            params.merge(call(p.value()), p.value().shape().numel(1), Long::sum);
        }
        calls.forEach((call, instrs) -> {
            Instr result = instrs.stream().filter(i -> i.out().name().equals(call)).findFirst()
                    .orElse(instrs.get(instrs.size() - 1));
            long flops = instrs.stream().mapToLong(Flops::of).sum();
            rows.add(new Row(call, result.op().mnemonic(), result.out().shape(), params.getOrDefault(call, 0L), flops));
        });
        return rows;
    }

    private static String call(Value v) {
        int dot = v.name().indexOf('.');
        return dot < 0 ? v.name() : v.name().substring(0, dot);
    }

    /** The summary as a table and totals. */
    public static String render(ModelIr m) {
        Graph inferenceGraph = Passes.run(m.inference(), Passes.FUSION);
        List<Row> rows = rows(m, inferenceGraph);
        StringBuilder s = new StringBuilder("model ").append(m.name()).append(" (").append(m.sourceFile()).append(")\n");
        String format = "%-24s %-12s %-18s %12s %14s%n";
        s.append(String.format(format, "layer", "op", "output shape", "params", "FLOPs/example"));
        s.append("-".repeat(84)).append('\n');
        for (Row r : rows) {
            s.append(String.format(format, r.layer(), r.op(), r.output(), group(r.params()), group(r.flops())));
        }
        s.append("-".repeat(84)).append('\n');
        long trainable = count(m.train(), Graph.InputRole.PARAM);
        long state = count(m.train(), Graph.InputRole.STATE);
        long inference = Flops.of(inferenceGraph);
        s.append(String.format("trainable parameters: %s%n", group(trainable)));
        s.append(String.format("state (not trained):  %s%n", group(state)));
        s.append(String.format("weights:              %s bytes (f32)%n", group(4 * (trainable + state))));
        if (m.trainable()) {
            long training = Flops.of(Passes.run(Autodiff.gradients(m.train()), Passes.FUSION));
            s.append(String.format("FLOPs per example:    %s inference, %s training step (forward and backward)%n",
                    group(inference), group(training)));
        } else {
            s.append(String.format("FLOPs per example:    %s inference (no loss: the model is not trained)%n",
                    group(inference)));
        }
        return s.toString();
    }

    private static long count(Graph g, Graph.InputRole role) {
        return g.inputs(role).stream().mapToLong(i -> i.value().shape().numel(1)).sum();
    }

    private static String group(long n) {
        return String.format("%,d", n);
    }
}
