package dev.nabla.cli;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.SeedStatistics;
import dev.nabla.runtime.train.TrainingRun;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One model trained with seeds {@code s, s+1, ..., s+n-1} (initialisation, shuffles, splits and random draws all
 * follow the seed), nothing saved: the test metric of each run (accuracy in % for a classifier, else the test loss)
 * and its summary over the seeds; optionally a CSV of the per-epoch curves' mean and standard deviation.
 */
final class SeedRuns {

    final String name;
    final List<Double> metric = new ArrayList<>();
    final List<List<EpochStats>> histories = new ArrayList<>();
    String metricName;

    private SeedRuns(String name) {
        this.name = name;
    }

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
            out.printf(Locale.ROOT, "%s seed %d: %s %.4g after %d epochs%n", name, seed, runs.metricName, value,
                    report.result().history().size());
        }
        return runs;
    }

    SeedStatistics.Summary summary() {
        return SeedStatistics.summarize(metricName, metric.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Per epoch: the mean and standard deviation over the seeds of the training and validation loss. */
    void writeCurves(Path csv) {
        StringBuilder s = new StringBuilder("epoch,runs,train_loss_mean,train_loss_std,val_loss_mean,val_loss_std\n");
        int epochs = histories.stream().mapToInt(List::size).max().orElse(0);
        for (int e = 0; e < epochs; e++) {
            List<Double> train = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (List<EpochStats> h : histories) {
                if (e < h.size()) {
                    train.add(h.get(e).trainLoss());
                    val.add(h.get(e).valLoss());
                }
            }
            SeedStatistics.Summary t = SeedStatistics.summarize("train", train.stream().mapToDouble(d -> d).toArray());
            SeedStatistics.Summary v = SeedStatistics.summarize("val", val.stream().mapToDouble(d -> d).toArray());
            s.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g,%.6g%n", e + 1, train.size(), t.mean(), t.std(),
                    v.mean(), v.std()));
        }
        AtomicFiles.write(csv, s.toString().getBytes(StandardCharsets.UTF_8));
    }
}
