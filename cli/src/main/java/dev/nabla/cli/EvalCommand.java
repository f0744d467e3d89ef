package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla eval FILE --weights CKPT}: loss, accuracy and confusion matrix on the test set or --data. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate trained weights: loss, accuracy and confusion matrix (or MSE and MAE) on the model's"
                + " test set, the same one training reported, or on --data.")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;


    @picocli.CommandLine.Mixin
    PassOptions passes;

    @Option(names = "--weights", required = true, paramLabel = "CKPT", description = "a checkpoint written by nabla train")
    Path weights;

    @Option(names = "--data", paramLabel = "SPEC", description = "data to evaluate on (default: the model's test set)")
    String data;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "evaluation batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", paramLabel = "T", description = "kernel threads (default: both cores)")
    Integer threads;

    @Override
    public Integer call() {
        OptionChecks.positive("--batch", batch);
        OptionChecks.threads(threads);
        ModelIr ir = source.loadWithLoss(spec.commandLine().getErr(), "evaluated");
        CompiledModel compiled = CompiledModels.load(ir, null, passes.disabled());
        if (threads != null) {
            Gemm.setThreads(threads);
        }
        System.out.print(TrainingRun.evaluate(compiled, weights,
                data == null ? null : DataLoader.parse(data, Path.of(".")), batch).report());
        return 0;
    }
}
