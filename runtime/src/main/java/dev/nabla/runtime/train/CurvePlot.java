package dev.nabla.runtime.train;

import dev.nabla.runtime.checkpoint.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * An SVG of stacked {@link ChartPanel}s under one title: the curves of repeated runs as mean ± standard deviation
 * bands ({@code nabla train --repeat N --plot}), and the validation curves of several runs or models on one chart
 * ({@code nabla compare --plot}).
 */
public final class CurvePlot {

    /** One curve of a panel: its mean per epoch and, for repeated runs, its standard deviation (else null). */
    public record Curve(String label, double[] mean, double[] std, boolean dashed) {
    }

    /**
     * A panel: a title, the y axis's label, whether it is logarithmic, its curves (coloured in order), and the most its
     * axis shows (100 for an accuracy in %, whose band may pass it; infinity for no limit).
     */
    public record Panel(String title, String yLabel, boolean log, List<Curve> curves, double ceiling) {

        public Panel(String title, String yLabel, boolean log, List<Curve> curves) {
            this(title, yLabel, log, curves, Double.POSITIVE_INFINITY);
        }
    }

    private CurvePlot() {
    }

    public static void write(Path file, String title, List<Panel> panels) {
        AtomicFiles.write(file, svg(title, panels).getBytes(StandardCharsets.UTF_8));
    }

    public static String svg(String title, List<Panel> panels) {
        List<ChartPanel> drawn = panels.stream().map(CurvePlot::panel).toList();
        int height = 40 + drawn.stream().mapToInt(ChartPanel::height).sum();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", ChartPanel.WIDTH, height,
                ChartPanel.WIDTH, height));
        s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", ChartPanel.WIDTH, height));
        s.append(String.format("<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                ChartPanel.WIDTH / 2, LossPlot.escape(title)));
        int top = 40;
        for (ChartPanel p : drawn) {
            p.draw(s, top);
            top += p.height();
        }
        return s.append("</svg>\n").toString();
    }

    private static ChartPanel panel(Panel p) {
        List<ChartPanel.Series> series = new java.util.ArrayList<>();
        for (int i = 0; i < p.curves().size(); i++) {
            Curve c = p.curves().get(i);
            series.add(new ChartPanel.Series(c.label(), ChartPanel.COLORS.get(i % ChartPanel.COLORS.size()), c.mean(),
                    c.std(), c.dashed()));
        }
        return new ChartPanel(p.title(), p.yLabel(), p.log(), series, p.ceiling());
    }
}
