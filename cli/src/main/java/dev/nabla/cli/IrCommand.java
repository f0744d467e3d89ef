package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.compiler.report.CompileStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code nabla ir FILE}: prints a model's training or inference graph as text or Graphviz DOT. */
@Command(name = "ir", description = "Print a model's graph IR (text or Graphviz DOT).")
final class IrCommand implements Callable<Integer> {

    enum Which { train, inference }

    enum Format { text, dot }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;


    @Option(names = "--graph", defaultValue = "train", description = "train or inference (default: ${DEFAULT-VALUE})")
    Which graph;

    @Option(names = "--format", defaultValue = "text", description = "text or dot (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--grad", description = "append the backward graph: the loss's gradient for every parameter")
    boolean grad;

    @Option(names = "--after", paramLabel = "PASS", description = "the graph after this optimization pass, or after each "
            + "pass in turn with 'all' (the passes: safer-forms, fold-constants, simplify, cse, dead-code)")
    String after;

    @Option(names = "--stats", description = "per stage: ops and FLOPs per example, kernels, planned bytes at batch 1 "
            + "and at the training batch")
    boolean stats;

    @Mixin
    PassOptions passes;

    private void print(PrintWriter out, Graph g) {
        out.print(format == Format.text ? IrPrinter.print(g) : IrPrinter.dot(g));
    }

    @Override
    public Integer call() {
        ModelIr m = source.load(spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (stats) {
            out.print(CompileStats.render(m, m.config().optimizer(), passes.disabled()));
            out.flush();
            return 0;
        }
        Graph g = graph == Which.train ? m.train() : m.inference();
        if (grad) {
            if (graph != Which.train) {
                throw new UserError("--grad needs the training graph: it differentiates the loss");
            }
            if (!m.trainable()) {
                throw new UserError("--grad differentiates the loss, and model " + m.name()
                        + " has none (it can be run, not trained)");
            }
            g = Autodiff.gradients(g);
        }
        if (after == null) {
            print(out, g);
        } else if (!after.equals("all") && !Passes.names().contains(after)) {
            throw new UserError("unknown pass '" + after + "' (the passes are " + String.join(", ", Passes.names())
                    + ", or all)");
        } else {
            Set<String> disabled = passes.disabled();
            Passes.run(g, disabled, (p, graph) -> {
                if (after.equals("all") || after.equals(p.name())) {
                    out.println("// after " + p.name() + (disabled.contains(p.name()) ? " (switched off)" : "") + ": "
                            + p.does());
                    print(out, graph);
                }
                return !after.equals(p.name());
            });
        }
        out.flush();
        return 0;
    }
}
