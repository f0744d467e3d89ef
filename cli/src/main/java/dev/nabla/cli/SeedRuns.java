package dev.nabla.cli;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.SeedStatistics;
import dev.nabla.runtime.train.TrainingRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One model trained with seeds {@code s, s+1, ..., s+n-1} (initialisation, shuffles, splits and random draws all
 * follow the seed), nothing saved: the test metric of each run (accuracy in % for a classifier, else the test loss)
 * and its summary over the seeds; optionally a CSV of the per-epoch curves' mean and standard deviation, and their
 * plot with bands.
 */
final class SeedRuns {

    final String name;
    final List<Double> metric = new ArrayList<>();
    final List<List<EpochStats>> histories = new ArrayList<>();
    String metricName;

    private SeedRuns(String name) {
        this.name = name;
    }

    /** {@code out} hears one line per run; null for none. */
    static SeedRuns train(String name, CompiledModel model, TrainingRun.Request base, int n, PrintStream out) {
        if (n < 2) {
            throw new UserError("--repeat needs at least 2 runs to measure seed-to-seed spread, got " + n);
        }
        SeedRuns runs = new SeedRuns(name);
        for (int i = 0; i < n; i++) {
            long seed = base.options().seed() + i;
            TrainingRun.Request request = new TrainingRun.Request(base.data(), base.validation(), base.test(),
                    base.options().withSeed(seed), base.init(), null, null, null);
            TrainingRun.Report report = TrainingRun.train(model, request, ProgressListener.NONE);
            Evaluation test = report.test();
            if (test == null) {
                throw new NablaException("--repeat compares test metrics: model " + name + " has no test set "
                        + "(test = ... or split = ... in its train block, or --test)");
            }
            runs.metricName = test.classifier() ? "test accuracy %" : "test loss";
            double value = test.classifier() ? 100 * test.accuracy() : test.loss();
            runs.metric.add(value);
            runs.histories.add(report.result().history());
            if (out != null) {
                out.printf(Locale.ROOT, "%s seed %d: %s %.4g after %d epochs%n", name, seed, runs.metricName, value,
                        report.result().history().size());
            }
        }
        return runs;
    }

    SeedStatistics.Summary summary() {
        return SeedStatistics.summarize(metricName, metric.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The per-epoch curves over the seeds. */
    RunCurves curves() {
        return RunCurves.of(name, histories);
    }

    /** Per epoch: the mean and standard deviation over the seeds of the training and validation loss and accuracy. */
    void writeCurves(Path csv) {
        curves().write(csv);
    }

    /** The curves' means with bands of ± one standard deviation. */
    void plot(Path svg) {
        curves().plot(svg);
    }
}
