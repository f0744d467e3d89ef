package dev.nabla.runtime.train;

import dev.nabla.runtime.checkpoint.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The {@code --plot run.svg} chart: training and validation loss against epochs on the left axis, validation
 * accuracy (0..100%) on the right axis when the model is a classifier with a validation set; below it, for a model
 * compiled with gradient health, a panel of each layer's gradient norm on a log scale. Plain SVG 1.1.
 */
public final class LossPlot {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;
    private static final int LEFT = 70;
    private static final int RIGHT = 70;
    private static final int TOP = 60;
    private static final int BOTTOM = 50;

    private LossPlot() {
    }

    public static void write(Path file, String title, List<EpochStats> history) {
        AtomicFiles.write(file, svg(title, history).getBytes(StandardCharsets.UTF_8));
    }

    public static String svg(String title, List<EpochStats> history) {
        ChartPanel gradients = gradientPanel(history);
        int height = HEIGHT + (gradients == null ? 0 : gradients.height());
        double maxLoss = lossAxisMax(history);
        boolean validation = history.stream().anyMatch(e -> !Double.isNaN(e.valLoss()));
        boolean trainAccuracy = history.stream().anyMatch(e -> !Double.isNaN(e.trainAccuracy()));
        boolean valAccuracy = history.stream().anyMatch(e -> !Double.isNaN(e.valAccuracy()));
        boolean accuracy = trainAccuracy || valAccuracy;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(String.format("<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n", WIDTH / 2, escape(title)));
        axes(s, history.size(), maxLoss, accuracy);
        curve(s, history, e -> e.trainLoss() / maxLoss, "#1f77b4", "");
        if (validation) {
            curve(s, history, e -> e.valLoss() / maxLoss, "#ff7f0e", "");
        }
        if (trainAccuracy) {
            curve(s, history, EpochStats::trainAccuracy, "#1f77b4", ACCURACY_DASH);
        }
        if (valAccuracy) {
            curve(s, history, EpochStats::valAccuracy, "#2ca02c", ACCURACY_DASH);
        }
        legend(s, validation, trainAccuracy, valAccuracy);
        if (gradients != null) {
            gradients.draw(s, HEIGHT);
        }
        return s.append("</svg>\n").toString();
    }

    /** Each layer's weight gradient norm (the epoch's mean), log scale; null without gradient health. */
    private static ChartPanel gradientPanel(List<EpochStats> history) {
        EpochHealth layout = history.isEmpty() ? null : history.get(0).health();
        if (layout == null || layout.params().isEmpty()) {
            return null;
        }
        List<ChartPanel.Series> series = new java.util.ArrayList<>();
        List<EpochHealth.Param> tensors = layout.weightTensors();
        for (int t = 0; t < tensors.size(); t++) {
            int p = layout.params().indexOf(tensors.get(t));
            double[] norms = new double[history.size()];
            for (int e = 0; e < norms.length; e++) {
                EpochHealth h = history.get(e).health();
                norms[e] = h == null ? Double.NaN : h.params().get(p).gradNorm();
            }
            series.add(new ChartPanel.Series(tensors.get(t).name(), ChartPanel.COLORS.get(t % ChartPanel.COLORS.size()),
                    norms, null, false));
        }
        return new ChartPanel("gradient norm per layer (mean over each epoch's steps)", "||gradient||", true, series);
    }

    private static double lossAxisMax(List<EpochStats> history) {
        double max = 0;
        for (EpochStats e : history) {
            max = Math.max(max, finite(e.trainLoss()));
            max = Math.max(max, finite(e.valLoss()));
        }
        return max == 0 ? 1 : max * 1.05;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static double x(int epoch, int epochs) {
        return LEFT + (epochs <= 1 ? 0.5 : (epoch - 1) / (double) (epochs - 1)) * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double fraction) {
        return TOP + (1 - fraction) * (HEIGHT - TOP - BOTTOM);
    }

    private static void axes(StringBuilder s, int epochs, double maxLoss, boolean accuracy) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        for (int i = 0; i <= 5; i++) {
            double yy = y(i / 5.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, yy, WIDTH - RIGHT, yy));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    LEFT - 6, yy + 4, maxLoss * i / 5));
            if (accuracy) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\">%d%%</text>%n", WIDTH - RIGHT + 6, yy + 4, i * 20));
            }
        }
        if (accuracy) {
            s.append(String.format("<text x=\"%d\" y=\"%d\" transform=\"rotate(90 %d %d)\" text-anchor=\"middle\">accuracy</text>%n",
                    WIDTH - 16, HEIGHT / 2, WIDTH - 16, HEIGHT / 2));
        }
        int every = Math.max(1, (int) Math.ceil(epochs / 10.0));
        for (int e = 1; e <= epochs; e += every) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x(e, epochs), HEIGHT - BOTTOM + 18, e));
        }
        s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n", WIDTH / 2, HEIGHT - 12));
        s.append(String.format("<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">loss</text>%n",
                HEIGHT / 2, HEIGHT / 2));
    }

    private static void curve(StringBuilder s, List<EpochStats> history, ToDoubleFunction<EpochStats> value,
                              String color, String style) {
        StringBuilder points = new StringBuilder();
        for (EpochStats e : history) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e.epoch(), history.size()), y(v)));
            }
        }
        if (points.length() > 0) {
            s.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                    color, style, points.toString().trim()));
        }
    }

    /** Only the curves drawn: without a validation set there is no validation loss or accuracy to show. */
    private static void legend(StringBuilder s, boolean validation, boolean trainAccuracy, boolean valAccuracy) {
        java.util.List<String[]> items = new java.util.ArrayList<>();
        items.add(new String[] {"train loss", "#1f77b4", ""});
        if (validation) {
            items.add(new String[] {"val loss", "#ff7f0e", ""});
        }
        if (trainAccuracy) {
            items.add(new String[] {"train accuracy", "#1f77b4", ACCURACY_DASH});
        }
        if (valAccuracy) {
            items.add(new String[] {"val accuracy", "#2ca02c", ACCURACY_DASH});
        }
        for (int i = 0; i < items.size(); i++) {
            int x = LEFT + 10 + i * 120;
            s.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    x, TOP - 16, x + 20, TOP - 16, items.get(i)[1], items.get(i)[2]));
            s.append(String.format("<text x=\"%d\" y=\"%d\">%s</text>%n", x + 26, TOP - 12, items.get(i)[0]));
        }
    }

    /** Accuracy curves are dashed, so they read apart from the loss curves of the same colour. */
    static final String ACCURACY_DASH = " stroke-dasharray=\"6 3\"";

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
