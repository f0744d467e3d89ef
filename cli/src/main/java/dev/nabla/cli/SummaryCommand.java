package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.report.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code nabla summary FILE}: layers, output shapes, parameters and FLOPs, as Keras's model.summary(). */
@Command(name = "summary", description = "One row per layer call: output shape, parameters, FLOPs per example; then totals.")
final class SummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Override
    public Integer call() {
        ModelIr m = source.load(spec.commandLine().getErr());
        spec.commandLine().getOut().print(ModelSummary.render(m));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
