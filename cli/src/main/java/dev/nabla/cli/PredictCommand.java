package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla predict FILE --weights CKPT --input DATA}: one CSV line per sample (class and probabilities, or values). */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Run trained weights on inputs and print one CSV line per sample: the class and its"
                + " probabilities for a classifier, the output values otherwise.")
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;


    @picocli.CommandLine.Mixin
    PassOptions passes;

    @Option(names = "--weights", required = true, paramLabel = "CKPT", description = "a checkpoint written by nabla train")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "SPEC", description = "inputs (CSV, .npy or IDX; a label column is ignored)")
    String input;

    @Option(names = "--output", paramLabel = "NAME", description = "which model output to print (default: the first)")
    String output;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() {
        OptionChecks.positive("--batch", batch);
        ModelIr ir = source.load(spec.commandLine().getErr());
        CompiledModel compiled = CompiledModels.load(ir, null, passes.disabled());
        TrainingRun.predict(compiled, weights, DataLoader.parse(input, Path.of(".")), batch, output)
                .writeCsv(System.out);
        System.out.flush();
        return 0;
    }
}
