package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.train.SeedStatistics;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nabla compare A.nabla B.nabla --repeat N}: each model trained with N seeds; their test metrics as mean ± std
 * with 95% intervals, and Welch's t-test on whether they differ by more than seed-to-seed noise. {@code nabla compare
 * run1.csv run2.csv ...}: logs of earlier runs ({@code train --log}, or {@code train --repeat N --log}) side by side.
 * Either way {@code --plot} puts their validation curves on one chart, with a band of ± one standard deviation where
 * runs were repeated.
 */
@Command(name = "compare", description = {"Train two models with N seeds each and say whether their test metrics differ "
        + "by more than seed-to-seed noise (Welch's t-test); or compare the CSV logs of earlier runs.",
        "--plot draws their validation curves on one chart."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "FILE", description = "two .nabla models, or two or more CSV logs of "
            + "nabla train --log (a --repeat log gives mean and std)")
    List<Path> files;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "5", description = "seeds per model (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs per run (default: each train block's)")
    Integer epochs;

    @Option(names = "--plot", paramLabel = "SVG", description = "draw the validation loss and accuracy curves on one chart")
    Path plot;

    @Override
    public Integer call() {
        long csvs = files.stream().filter(f -> f.toString().toLowerCase(Locale.ROOT).endsWith(".csv")).count();
        if (plot != null) {
            AtomicFiles.checkWritable(plot, "the plot");
        }
        if (csvs == files.size()) {
            return compareLogs();
        }
        if (csvs > 0 || files.size() != 2) {
            throw new UserError("compare takes two .nabla models, or CSV logs of nabla train --log (not a mix)");
        }
        OptionChecks.positive("--epochs", epochs);
        SeedRuns a = runs(files.get(0));
        SeedRuns b = runs(files.get(1));
        if (!a.metricName.equals(b.metricName)) {
            throw new UserError("the models report different metrics (" + a.metricName + ", " + b.metricName
                    + "): compare a classifier with a classifier");
        }
        SeedStatistics.Summary sa = a.summary();
        SeedStatistics.Summary sb = b.summary();
        System.out.println(a.name + ": " + sa.describe());
        System.out.println(b.name + ": " + sb.describe());
        System.out.println(SeedStatistics.welch(sa, sb).describe(a.name, b.name));
        if (plot != null) {
            RunCurves.plotComparison(plot, List.of(a.curves(), b.curves()));
        }
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

    /**
     * One line per log with its last epoch's validation (else training) loss and accuracy; for two logs of repeated
     * runs, Welch's t-test on the last epoch's validation accuracy (else loss), from their means, standard deviations
     * and run counts.
     */
    private Integer compareLogs() {
        List<RunCurves> all = new ArrayList<>();
        for (Path f : files) {
            all.add(RunCurves.read(f));
        }
        boolean validation = all.stream().allMatch(c -> c.has("val_loss"));
        String set = validation ? "val" : "train";
        String which = validation ? "validation" : "training";
        for (RunCurves c : all) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %d epochs, %d run%s; last epoch's %s "
                    + "loss %s", c.name(), c.epochs(), c.runs(), c.runs() == 1 ? "" : "s", which,
                    withSpread(c, set + "_loss", 1, "%.4f")));
            if (c.has(set + "_accuracy")) {
                line.append(", accuracy ").append(withSpread(c, set + "_accuracy", 100, "%.2f%%"));
            }
            System.out.println(line);
        }
        if (all.size() == 2 && all.get(0).runs() > 1 && all.get(1).runs() > 1) {
            String metric = all.stream().allMatch(c -> c.has(set + "_accuracy")) ? set + "_accuracy" : set + "_loss";
            double scale = metric.endsWith("accuracy") ? 100 : 1;
            RunCurves a = all.get(0);
            RunCurves b = all.get(1);
            SeedStatistics.Comparison w = SeedStatistics.welch(scale * a.last(metric), scale * a.lastStd(metric),
                    a.runs(), scale * b.last(metric), scale * b.lastStd(metric), b.runs());
            System.out.println("on the last epoch's " + which + " " + (scale == 100 ? "accuracy %" : "loss") + ": "
                    + w.describe(a.name(), b.name()));
        }
        if (plot != null) {
            RunCurves.plotComparison(plot, all);
        }
        System.out.flush();
        return 0;
    }

    private static String withSpread(RunCurves c, String metric, double scale, String format) {
        String mean = String.format(Locale.ROOT, format, scale * c.last(metric));
        double std = c.lastStd(metric);
        return Double.isNaN(std) ? mean : mean + " ± " + String.format(Locale.ROOT, format, scale * std);
    }
}
