package dev.nabla.cli;

import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.train.CurvePlot;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.SeedStatistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The per-epoch curves of one model's runs: training and validation loss and accuracy, each as the mean over the runs
 * and, for repeated runs, the standard deviation. Made from the histories of {@code train --repeat}, or read back from
 * a CSV log ({@code train --log}, one run; {@code train --repeat N --log}, N runs); written as the latter; drawn by
 * {@link CurvePlot}.
 *
 * @param runs runs behind the means (1 for a single run's log: no spread)
 */
record RunCurves(String name, int runs, Map<String, double[]> mean, Map<String, double[]> std) {

    /** The curves, in CSV column order; accuracies are fractions, as in the logs. */
    static final List<String> METRICS = List.of("train_loss", "val_loss", "train_accuracy", "val_accuracy");
    private static final List<ToDoubleFunction<EpochStats>> OF_EPOCH = List.of(EpochStats::trainLoss,
            EpochStats::valLoss, EpochStats::trainAccuracy, EpochStats::valAccuracy);

    static RunCurves of(String name, List<List<EpochStats>> histories) {
        int epochs = histories.stream().mapToInt(List::size).max().orElse(0);
        Map<String, double[]> mean = new LinkedHashMap<>();
        Map<String, double[]> std = new LinkedHashMap<>();
        for (int m = 0; m < METRICS.size(); m++) {
            double[] mu = new double[epochs];
            double[] sd = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                List<Double> values = new ArrayList<>();
                for (List<EpochStats> h : histories) {
                    if (e < h.size() && !Double.isNaN(OF_EPOCH.get(m).applyAsDouble(h.get(e)))) {
                        values.add(OF_EPOCH.get(m).applyAsDouble(h.get(e)));
                    }
                }
                SeedStatistics.Summary s = SeedStatistics.summarize(METRICS.get(m),
                        values.stream().mapToDouble(Double::doubleValue).toArray());
                mu[e] = s.mean();
                sd[e] = values.size() < 2 ? Double.NaN : s.std();
            }
            mean.put(METRICS.get(m), mu);
            std.put(METRICS.get(m), sd);
        }
        return new RunCurves(name, histories.size(), mean, std);
    }

    int epochs() {
        return mean.get("train_loss").length;
    }

    /** Whether any epoch has a value of {@code metric}. */
    boolean has(String metric) {
        return Arrays.stream(mean.get(metric)).anyMatch(v -> !Double.isNaN(v));
    }

    /** The last epoch's mean of {@code metric} (NaN when missing). */
    double last(String metric) {
        double[] m = mean.get(metric);
        return m.length == 0 ? Double.NaN : m[m.length - 1];
    }

    double lastStd(String metric) {
        double[] s = std.get(metric);
        return s.length == 0 ? Double.NaN : s[s.length - 1];
    }

    /** {@code epoch,runs,train_loss_mean,train_loss_std,...}; empty cells where a metric is missing. */
    void write(Path csv) {
        StringBuilder s = new StringBuilder("epoch,runs");
        METRICS.forEach(m -> s.append(',').append(m).append("_mean,").append(m).append("_std"));
        s.append('\n');
        for (int e = 0; e < epochs(); e++) {
            s.append(e + 1).append(',').append(runs);
            for (String m : METRICS) {
                s.append(',').append(cell(mean.get(m)[e])).append(',').append(cell(std.get(m)[e]));
            }
            s.append('\n');
        }
        AtomicFiles.write(csv, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * A CSV log read back: a run's ({@code train --log}: columns {@code train_loss}, ...) or repeated runs' ({@code
     * train --repeat --log}: {@code train_loss_mean}, {@code train_loss_std}, ..., {@code runs}). Other columns (the
     * gradient-health ones) are ignored.
     */
    static RunCurves read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError("cannot read " + csv + (Files.exists(csv) ? "" : ": no such file"));
        }
        if (lines.isEmpty()) {
            throw new UserError(csv + " is empty: expected a CSV log of nabla train --log");
        }
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        boolean repeated = header.contains("train_loss_mean");
        if (!header.contains("epoch") || !header.contains(repeated ? "train_loss_mean" : "train_loss")) {
            throw new UserError(csv + ":1: not a log of nabla train --log (its header has no epoch and train_loss "
                    + "columns): " + lines.get(0));
        }
        List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        Map<String, double[]> mean = new LinkedHashMap<>();
        Map<String, double[]> std = new LinkedHashMap<>();
        for (String m : METRICS) {
            mean.put(m, column(csv, header, rows, repeated ? m + "_mean" : m));
            std.put(m, repeated ? column(csv, header, rows, m + "_std") : nans(rows.size()));
        }
        double[] runs = column(csv, header, rows, "runs");
        int n = runs.length > 0 && !Double.isNaN(runs[0]) ? (int) runs[0] : 1;
        String file = csv.getFileName().toString();
        return new RunCurves(file.endsWith(".csv") ? file.substring(0, file.length() - 4) : file, n, mean, std);
    }

    /** The values of {@code name} per row, NaN for empty cells or a missing column. */
    private static double[] column(Path csv, List<String> header, List<String> rows, String name) {
        int c = header.indexOf(name);
        double[] out = nans(rows.size());
        if (c < 0) {
            return out;
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r).split(",", -1);
            String cell = c < cells.length ? cells[c].strip() : "";
            if (!cell.isEmpty()) {
                try {
                    out[r] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new UserError(csv + ":" + (r + 2) + ": column " + name + " holds '" + cell + "', not a number");
                }
            }
        }
        return out;
    }

    private static double[] nans(int n) {
        double[] d = new double[n];
        Arrays.fill(d, Double.NaN);
        return d;
    }

    /**
     * One chart of several models' (or runs') curves: the validation loss and accuracy when they have them (else the
     * training ones, said in the panel's title), each with a band of ± one standard deviation where runs were
     * repeated.
     */
    static void plotComparison(Path svg, List<RunCurves> all) {
        List<CurvePlot.Panel> panels = new ArrayList<>();
        boolean validation = all.stream().anyMatch(c -> c.has("val_loss"));
        String set = validation ? "val" : "train";
        String which = validation ? "validation" : "training (no validation set)";
        panels.add(new CurvePlot.Panel(which + " loss", "loss", false,
                all.stream().map(c -> c.curve(set + "_loss", c.name(), 1)).toList()));
        if (all.stream().anyMatch(c -> c.has(set + "_accuracy"))) {
            panels.add(new CurvePlot.Panel(which + " accuracy", "accuracy %", false,
                    all.stream().map(c -> c.curve(set + "_accuracy", c.name(), 100)).toList(), 100));
        }
        String title = String.join(" vs ", all.stream().map(RunCurves::name).toList());
        CurvePlot.write(svg, title.length() <= 80 ? title : all.size() + " runs compared", panels);
    }

    /** This model's curves: training and validation loss, then accuracy, each mean ± std over its runs. */
    void plot(Path svg) {
        List<CurvePlot.Panel> panels = new ArrayList<>();
        List<CurvePlot.Curve> losses = new ArrayList<>();
        losses.add(curve("train_loss", "train loss", 1));
        if (has("val_loss")) {
            losses.add(curve("val_loss", "val loss", 1));
        }
        String spread = runs > 1 ? " (mean ± std over " + runs + " seeds)" : "";
        panels.add(new CurvePlot.Panel("loss" + spread, "loss", false, losses));
        List<CurvePlot.Curve> accuracies = new ArrayList<>();
        for (String m : List.of("train_accuracy", "val_accuracy")) {
            if (has(m)) {
                accuracies.add(curve(m, m.replace('_', ' '), 100));
            }
        }
        if (!accuracies.isEmpty()) {
            panels.add(new CurvePlot.Panel("accuracy" + spread, "accuracy %", false, accuracies, 100));
        }
        CurvePlot.write(svg, name, panels);
    }

    private CurvePlot.Curve curve(String metric, String label, double scale) {
        double[] m = Arrays.stream(mean.get(metric)).map(v -> v * scale).toArray();
        double[] s = Arrays.stream(std.get(metric)).map(v -> v * scale).toArray();
        return new CurvePlot.Curve(label, m, runs > 1 ? s : null, false);
    }
}
