package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.train.SeedStatistics;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code nabla compare A.nabla B.nabla --repeat N}: each model trained with N seeds; their test metrics as mean ± std
 * with 95% intervals, and Welch's t-test on whether they differ by more than seed-to-seed noise.
 */
@Command(name = "compare", description = "Train two models with N seeds each and say whether their test metrics differ "
        + "by more than seed-to-seed noise (Welch's t-test).")
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "the first .nabla file")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "the second .nabla file")
    Path second;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "5", description = "seeds per model (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs per run (default: each train block's)")
    Integer epochs;

    @Override
    public Integer call() {
        SeedRuns a = runs(first);
        SeedRuns b = runs(second);
        if (!a.metricName.equals(b.metricName)) {
            throw new UserError("the models report different metrics (" + a.metricName + ", " + b.metricName
                    + "): compare a classifier with a classifier");
        }
        SeedStatistics.Summary sa = a.summary();
        SeedStatistics.Summary sb = b.summary();
        System.out.println(a.name + ": " + sa.describe());
        System.out.println(b.name + ": " + sb.describe());
        System.out.println(SeedStatistics.welch(sa, sb).describe(a.name, b.name));
        System.out.flush();
        return 0;
    }

    private SeedRuns runs(Path file) {
        ModelSource source = new ModelSource();
        source.file = file;
        ModelIr ir = source.load(spec.commandLine().getErr());
        CompiledModel compiled = CompiledModels.load(ir, null);
        TrainOptions options = TrainOptions.from(compiled.spec().train());
        if (epochs != null) {
            options = options.withEpochs(epochs);
        }
        TrainingRun.Request request = new TrainingRun.Request(null, null, null, options, null, null, null, null);
        return SeedRuns.train(ir.name(), compiled, request, repeat, System.out);
    }
}
