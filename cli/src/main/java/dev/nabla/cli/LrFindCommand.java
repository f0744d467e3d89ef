package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.train.LrFinder;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla lr-find FILE}: the learning-rate range test, a plot and a suggested rate. */
@Command(name = "lr-find", description = "Learning-rate range test: train from the initial weights with a rate growing "
        + "exponentially each step until the loss diverges; plot the smoothed loss against the rate and suggest one. "
        + "The weights are not saved.")
final class LrFindCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Mixin
    PassOptions passes;

    @Option(names = "--data", paramLabel = "SPEC", description = "training data (default: the train block's)")
    String data;

    @Option(names = "--start", defaultValue = "1e-7", description = "first learning rate (default: ${DEFAULT-VALUE})")
    double start;

    @Option(names = "--end", defaultValue = "10", description = "last learning rate (default: ${DEFAULT-VALUE})")
    double end;

    @Option(names = "--steps", defaultValue = "100", description = "steps from start to end (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", paramLabel = "B", description = "mini-batch size (default: the train block's)")
    Integer batch;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, nesterov, adam, adamw or rmsprop (default: the train block's)")
    String optimizer;

    @Option(names = "--init", paramLabel = "CKPT", description = "start from these weights instead of the initializers")
    Path init;

    @Option(names = "--plot", paramLabel = "SVG", description = "where to draw the curve (default: FILE with .lr.svg)")
    Path plot;

    @Override
    public Integer call() {
        ModelIr ir = source.loadWithLoss(spec.commandLine().getErr(), "trained");
        CompiledModel compiled = CompiledModels.load(ir, optimizer, passes.disabled());
        TrainOptions options = TrainOptions.from(compiled.spec().train());
        if (batch != null) {
            options = options.withBatchSize(batch);
        }
        TrainingRun.Request request = new TrainingRun.Request(data == null ? null : DataLoader.parse(data, Path.of(".")),
                null, null, options, init, null, null, null);
        LrFinder.Result result = TrainingRun.findLr(compiled, request, start, end, steps);
        Path svg = plot != null ? plot : Path.of(source.file.toString().replaceFirst("\\.nabla$", "") + ".lr.svg");
        LrFinder.plot(svg, ir.name() + ": learning-rate range test", result);
        System.out.print(result.report());
        System.out.println("plot: " + svg);
        System.out.flush();
        return 0;
    }
}
