package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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

    @Override
    public Integer call() {
        ModelIr m = source.load(spec.commandLine().getErr());
        Graph g = graph == Which.train ? m.train() : m.inference();
        if (grad) {
            if (graph != Which.train) {
                throw new UserError("--grad needs the training graph: it differentiates the loss");
            }
            g = Autodiff.gradients(g);
        }
        spec.commandLine().getOut().print(format == Format.text ? IrPrinter.print(g) : IrPrinter.dot(g));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
