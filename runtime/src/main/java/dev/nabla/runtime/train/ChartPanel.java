package dev.nabla.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One panel of an SVG chart against epochs: curves on a linear or log10 y axis, each optionally with a shaded band
 * (its mean ± standard deviation over seeds), and a legend above. {@link LossPlot} appends one for gradient norms;
 * {@link CurvePlot} stacks them for repeated runs and comparisons. Panels are {@link #WIDTH} wide.
 */
final class ChartPanel {

    static final int WIDTH = 720;
    static final int LEFT = 70;
    static final int RIGHT = 70;
    /** Height of the plot area; a panel adds its legend rows and the epoch axis. */
    static final int PLOT_HEIGHT = 240;
    private static final int LEGEND_ROW = 18;
    private static final int LEGEND_ITEM = 145;
    private static final int AXIS_BELOW = 48;

    static final List<String> COLORS = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");

    /**
     * A curve: {@code values[e]} at epoch e + 1 (NaN where missing), and when {@code spread} is not null the band
     * {@code values ± spread}.
     */
    record Series(String label, String color, double[] values, double[] spread, boolean dashed) {
    }

    private final String title;
    private final String yLabel;
    private final boolean log;
    private final List<Series> series;
    private final int epochs;

    ChartPanel(String title, String yLabel, boolean log, List<Series> series) {
        this.title = title;
        this.yLabel = yLabel;
        this.log = log;
        this.series = List.copyOf(series);
        this.epochs = series.stream().mapToInt(c -> c.values().length).max().orElse(0);
    }

    private int legendRows() {
        int perRow = (WIDTH - LEFT - RIGHT) / LEGEND_ITEM;
        return Math.max(1, (series.size() + perRow - 1) / perRow);
    }

    /** The panel's whole height: title, legend, plot area, epoch axis. */
    int height() {
        return 24 + legendRows() * LEGEND_ROW + PLOT_HEIGHT + AXIS_BELOW;
    }

    /** Draws the panel with its top edge at {@code top}. */
    void draw(StringBuilder s, int top) {
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>%n", LEFT, top + 16,
                LossPlot.escape(title)));
        int plotTop = top + 24 + legendRows() * LEGEND_ROW;
        legend(s, top + 24);
        double[] range = range();
        axes(s, plotTop, range);
        for (Series c : series) {
            if (c.spread() != null) {
                band(s, plotTop, range, c);
            }
        }
        for (Series c : series) {
            line(s, plotTop, range, c);
        }
    }

    /** The y axis's [low, high]: for a log axis in decades (as exponents), for a linear one from 0 (or below). */
    private double[] range() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series c : series) {
            for (int e = 0; e < c.values().length; e++) {
                double spread = c.spread() == null || !Double.isFinite(c.spread()[e]) ? 0 : c.spread()[e];
                for (double v : new double[] {c.values()[e] - spread, c.values()[e] + spread}) {
                    if (Double.isFinite(v) && (!log || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (lo > hi) {
            return log ? new double[] {-1, 0} : new double[] {0, 1};
        }
        if (log) {
            double a = Math.floor(Math.log10(lo));
            double b = Math.ceil(Math.log10(hi));
            return new double[] {a, b > a ? b : a + 1};
        }
        double low = Math.min(0, lo);
        return new double[] {low, hi > low ? low + (hi - low) * 1.05 : low + 1};
    }

    private double x(int epoch) {
        return LEFT + (epochs <= 1 ? 0.5 : (epoch - 1) / (double) (epochs - 1)) * (WIDTH - LEFT - RIGHT);
    }

    /** The y of {@code v}, or NaN when it cannot be drawn (not finite; not positive on a log axis). */
    private double y(int plotTop, double[] range, double v) {
        if (!Double.isFinite(v) || log && v <= 0) {
            return Double.NaN;
        }
        double t = ((log ? Math.log10(v) : v) - range[0]) / (range[1] - range[0]);
        return plotTop + (1 - Math.max(0, Math.min(1, t))) * PLOT_HEIGHT;
    }

    private void axes(StringBuilder s, int plotTop, double[] range) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT, plotTop, WIDTH - LEFT - RIGHT, PLOT_HEIGHT));
        int ticks = log ? (int) (range[1] - range[0]) : 5;
        int every = Math.max(1, (int) Math.ceil(ticks / 8.0));
        for (int i = 0; i <= ticks; i += every) {
            double yy = plotTop + (1 - i / (double) ticks) * PLOT_HEIGHT;
            String label = log ? String.format(Locale.ROOT, "1e%d", (int) range[0] + i)
                    : String.format(Locale.ROOT, "%.3g", range[0] + (range[1] - range[0]) * i / ticks);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, yy, WIDTH - RIGHT, yy));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6,
                    yy + 4, label));
        }
        int every2 = Math.max(1, (int) Math.ceil(epochs / 10.0));
        for (int e = 1; e <= epochs; e += every2) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x(e),
                    plotTop + PLOT_HEIGHT + 18, e));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n", WIDTH / 2,
                plotTop + PLOT_HEIGHT + 34));
        int mid = plotTop + PLOT_HEIGHT / 2;
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", mid, mid, LossPlot.escape(yLabel)));
    }

    private void line(StringBuilder s, int plotTop, double[] range, Series c) {
        StringBuilder points = new StringBuilder();
        for (int e = 0; e < c.values().length; e++) {
            double yy = y(plotTop, range, c.values()[e]);
            if (!Double.isNaN(yy)) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e + 1), yy));
            }
        }
        if (points.length() > 0) {
            s.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                    c.color(), c.dashed() ? LossPlot.ACCURACY_DASH : "", points.toString().trim()));
        }
    }

    /** The band between mean - spread and mean + spread, over the epochs where both can be drawn. */
    private void band(StringBuilder s, int plotTop, double[] range, Series c) {
        List<String> upper = new ArrayList<>();
        List<String> lower = new ArrayList<>();
        for (int e = 0; e < c.values().length; e++) {
            double m = c.values()[e];
            double d = Double.isFinite(c.spread()[e]) ? c.spread()[e] : 0;
            double hi = y(plotTop, range, m + d);
            double lo = y(plotTop, range, m - d);
            if (Double.isNaN(lo) && log && Double.isFinite(m)) {
                lo = plotTop + PLOT_HEIGHT;
            }
            if (!Double.isNaN(hi) && !Double.isNaN(lo)) {
                upper.add(String.format(Locale.ROOT, "%.1f,%.1f", x(e + 1), hi));
                lower.add(0, String.format(Locale.ROOT, "%.1f,%.1f", x(e + 1), lo));
            }
        }
        if (!upper.isEmpty()) {
            upper.addAll(lower);
            s.append(String.format("<polygon fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\" points=\"%s\"/>%n",
                    c.color(), String.join(" ", upper)));
        }
    }

    private void legend(StringBuilder s, int top) {
        int perRow = (WIDTH - LEFT - RIGHT) / LEGEND_ITEM;
        for (int i = 0; i < series.size(); i++) {
            Series c = series.get(i);
            int x = LEFT + 10 + (i % perRow) * LEGEND_ITEM;
            int y = top + (i / perRow) * LEGEND_ROW + 8;
            s.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    x, y, x + 20, y, c.color(), c.dashed() ? LossPlot.ACCURACY_DASH : ""));
            s.append(String.format("<text x=\"%d\" y=\"%d\">%s</text>%n", x + 26, y + 4, LossPlot.escape(c.label())));
        }
    }
}
