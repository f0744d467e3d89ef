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
    /** A legend item's line and gap, and the width of one character of its label (12 px sans-serif, roughly). */
    private static final int LEGEND_LINE = 26;
    private static final int LEGEND_GAP = 18;
    private static final double CHAR_WIDTH = 7;
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
    private final double ceiling;

    ChartPanel(String title, String yLabel, boolean log, List<Series> series) {
        this(title, yLabel, log, series, Double.POSITIVE_INFINITY);
    }

    /** {@code ceiling}: the most the y axis shows (a band may pass it). */
    ChartPanel(String title, String yLabel, boolean log, List<Series> series, double ceiling) {
        this.ceiling = ceiling;
        this.title = title;
        this.yLabel = yLabel;
        this.log = log;
        this.series = List.copyOf(series);
        this.epochs = series.stream().mapToInt(c -> c.values().length).max().orElse(0);
    }

    /** Where each legend item goes: its x, and its row; items flow left to right and wrap. */
    private int[][] legendPlaces() {
        int[][] at = new int[series.size()][2];
        int x = LEFT + 10;
        int row = 0;
        for (int i = 0; i < series.size(); i++) {
            int width = LEGEND_LINE + (int) Math.ceil(CHAR_WIDTH * series.get(i).label().length()) + LEGEND_GAP;
            if (x > LEFT + 10 && x + width > WIDTH - 10) {
                x = LEFT + 10;
                row++;
            }
            at[i] = new int[] {x, row};
            x += width;
        }
        return at;
    }

    private int legendRows() {
        int[][] at = legendPlaces();
        return at.length == 0 ? 1 : at[at.length - 1][1] + 1;
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

    /**
     * The y axis's [low, high, tick step]: for a log axis in decades (as exponents, step 1), for a linear one from 0 (or
     * below) in steps of 1, 2 or 5 times a power of ten.
     */
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
        hi = Math.min(hi, ceiling);
        if (lo > hi) {
            return log ? new double[] {-1, 0, 1} : new double[] {0, 1, 0.2};
        }
        if (log) {
            double a = Math.floor(Math.log10(lo));
            double b = Math.ceil(Math.log10(hi));
            return new double[] {a, b > a ? b : a + 1, 1};
        }
        double low = Math.min(0, lo);
        double step = niceStep(hi > low ? hi - low : 1);
        double first = Math.floor(low / step);
        return new double[] {first * step, Math.max(Math.ceil(hi / step), first + 1) * step, step};
    }

    /** A tick step of 1, 2 or 5 times a power of ten that cuts {@code span} into about five. */
    static double niceStep(double span) {
        double raw = span / 5;
        double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * decade >= raw) {
                return m * decade;
            }
        }
        return 10 * decade;
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
        int ticks = (int) Math.round((range[1] - range[0]) / range[2]);
        int every = Math.max(1, (int) Math.ceil(ticks / 8.0));
        for (int i = 0; i <= ticks; i += every) {
            double yy = plotTop + (1 - i / (double) ticks) * PLOT_HEIGHT;
            String label = log ? String.format(Locale.ROOT, "1e%d", (int) range[0] + i)
                    : String.format(Locale.ROOT, "%." + Math.max(0, (int) -Math.floor(Math.log10(range[2]))) + "f",
                            range[0] + range[2] * i);
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
        int[][] at = legendPlaces();
        for (int i = 0; i < series.size(); i++) {
            Series c = series.get(i);
            int x = at[i][0];
            int y = top + at[i][1] * LEGEND_ROW + 8;
            s.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    x, y, x + 20, y, c.color(), c.dashed() ? LossPlot.ACCURACY_DASH : ""));
            s.append(String.format("<text x=\"%d\" y=\"%d\">%s</text>%n", x + 26, y + 4, LossPlot.escape(c.label())));
        }
    }
}
