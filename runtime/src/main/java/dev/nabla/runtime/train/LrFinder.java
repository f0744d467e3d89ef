package dev.nabla.runtime.train;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.init.Rng;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning-rate range test (Smith, "Cyclical learning rates", 2017; fastai's {@code lr_find}): from the initial
 * weights, one optimizer step per batch with a learning rate growing exponentially from {@code start} to {@code end},
 * recording the loss, until the loss diverges. Works on copies of the buffers, so the caller's weights stay as they
 * were, and with whatever optimizer is compiled into the model.
 *
 * <p>The loss is smoothed as fastai does (an exponential moving average with factor 0.98, bias-corrected) and the run
 * stops once the smoothed loss exceeds 4 times its minimum or a loss is not finite. The suggested rate follows the
 * usual rule: the rate at the smoothed minimum divided by 10, a rate still on the descending part of the curve but
 * well before it turns up. The steepest descent of the smoothed loss against log(rate) is reported beside it.
 */
public final class LrFinder {

    private static final double SMOOTHING = 0.98;
    private static final double DIVERGED = 4;

    /** One step: its learning rate, loss and smoothed loss. */
    public record Point(double lr, double loss, double smoothed) {
    }

    /**
     * @param points    every step taken
     * @param minimum   the rate at the smallest smoothed loss
     * @param steepest  the rate where the smoothed loss falls fastest against log(rate)
     * @param suggested {@code minimum / 10}
     * @param stopped   why the test ended
     */
    public record Result(List<Point> points, double minimum, double steepest, double suggested, String stopped) {

        public String report() {
            return String.format(Locale.ROOT, "%d steps, %s%nsmallest smoothed loss at lr %.3g; steepest descent at lr %.3g"
                    + "%nsuggested learning rate: %.3g (the minimum's rate / 10)%n", points.size(), stopped, minimum,
                    steepest, suggested);
        }
    }

    private LrFinder() {
    }

    /**
     * @param buffers initialized (or loaded) weights; not modified
     * @param steps   the most steps to take; the rate reaches {@code end} at the last
     */
    public static Result run(CompiledModel model, float[][] buffers, Dataset train, int batch, double start, double end,
                             int steps, long seed) {
        if (!(start > 0 && end > start && steps >= 2)) {
            throw new NablaException("lr-find needs 0 < start < end and at least 2 steps, got start " + start + ", end "
                    + end + ", steps " + steps);
        }
        float[][] work = new float[buffers.length][];
        for (int i = 0; i < buffers.length; i++) {
            work[i] = buffers[i].clone();
        }
        ModelBuffers mb = new ModelBuffers(model.spec(), work, batch, true);
        int[] order = Rng.derive(seed, "lr-find").permutation(train.rows());
        float[] hyper = new float[OptimizerSpec.HYPER_SIZE];
        List<Point> points = new ArrayList<>();
        double average = 0;
        double best = Double.POSITIVE_INFINITY;
        String stopped = "reached lr " + end;
        for (int i = 0; i < steps; i++) {
            double lr = start * Math.pow(end / start, i / (double) (steps - 1));
            int from = (int) ((long) i * batch % train.rows());
            int count = Math.min(batch, train.rows() - from);
            mb.fill(train, order, from, count);
            model.trainStep(work, count);
            double loss = mb.lossValue();
            if (!Double.isFinite(loss)) {
                stopped = String.format(Locale.ROOT, "stopped at lr %.3g: the loss is %s", lr, loss);
                break;
            }
            average = SMOOTHING * average + (1 - SMOOTHING) * loss;
            double smoothed = average / (1 - Math.pow(SMOOTHING, i + 1));
            points.add(new Point(lr, loss, smoothed));
            best = Math.min(best, smoothed);
            if (i > 0 && smoothed > DIVERGED * best) {
                stopped = String.format(Locale.ROOT, "stopped at lr %.3g: the smoothed loss passed %g times its minimum",
                        lr, DIVERGED);
                break;
            }
            hyper[OptimizerSpec.HYPER_LR] = (float) lr;
            hyper[OptimizerSpec.HYPER_STEP] = i + 1;
            hyper[OptimizerSpec.HYPER_GRAD_SCALE] = 1;
            model.update(work, hyper);
        }
        if (points.size() < 2) {
            throw new NablaException("lr-find: the loss diverged at the first learning rate, " + start + "; start lower");
        }
        return new Result(points, minimum(points), steepest(points), minimum(points) / 10, stopped);
    }

    private static double minimum(List<Point> points) {
        Point best = points.get(0);
        for (Point p : points) {
            if (p.smoothed() < best.smoothed()) {
                best = p;
            }
        }
        return best.lr();
    }

    /**
     * The most negative slope of the smoothed loss against log(lr) up to the minimum, skipping the first tenth of the
     * steps, where the moving average has seen too few losses to have a slope worth reading.
     */
    private static double steepest(List<Point> points) {
        double lowest = Double.POSITIVE_INFINITY;
        double at = points.get(0).lr();
        int last = 0;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).smoothed() < points.get(last).smoothed()) {
                last = i;
            }
        }
        for (int i = Math.max(1, points.size() / 10); i <= last; i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            double slope = (b.smoothed() - a.smoothed()) / (Math.log(b.lr()) - Math.log(a.lr()));
            if (slope < lowest) {
                lowest = slope;
                at = b.lr();
            }
        }
        return at;
    }

    /** Smoothed (and raw, faint) loss against the learning rate on a log axis, with the suggestion marked. */
    public static void plot(Path file, String title, Result r) {
        int w = 720;
        int h = 400;
        int left = 70;
        int right = 30;
        int top = 50;
        int bottom = 50;
        double lo = Math.log10(r.points().get(0).lr());
        double hi = Math.log10(r.points().get(r.points().size() - 1).lr());
        double maxLoss = r.points().stream().mapToDouble(Point::smoothed).max().orElse(1) * 1.05;
        double minLoss = Math.max(0, r.points().stream().mapToDouble(Point::smoothed).min().orElse(0) * 0.95);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"%d\" height=\"%d\" "
                + "fill=\"white\"/>%n<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                w, h, w, h, w / 2, title.replace("&", "&amp;").replace("<", "&lt;")));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                left, top, w - left - right, h - top - bottom));
        java.util.function.DoubleUnaryOperator x = lr -> left + (hi == lo ? 0.5 : (Math.log10(lr) - lo) / (hi - lo))
                * (w - left - right);
        java.util.function.DoubleUnaryOperator y = loss -> top + (1 - (Math.min(loss, maxLoss) - minLoss)
                / (maxLoss - minLoss)) * (h - top - bottom);
        for (int d = (int) Math.ceil(lo); d <= Math.floor(hi); d++) {
            double xx = x.applyAsDouble(Math.pow(10, d));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>%n", xx, top, xx, h - bottom, xx,
                    h - bottom + 18, d));
        }
        for (int i = 0; i <= 4; i++) {
            double loss = minLoss + (maxLoss - minLoss) * i / 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n", left - 6,
                    y.applyAsDouble(loss) + 4, loss));
        }
        StringBuilder raw = new StringBuilder();
        StringBuilder smooth = new StringBuilder();
        for (Point p : r.points()) {
            raw.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p.lr()), y.applyAsDouble(p.loss())));
            smooth.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p.lr()), y.applyAsDouble(p.smoothed())));
        }
        s.append(String.format("<polyline fill=\"none\" stroke=\"#aec7e8\" stroke-width=\"1\" points=\"%s\"/>%n", raw.toString().trim()));
        s.append(String.format("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"%s\"/>%n", smooth.toString().trim()));
        double sx = x.applyAsDouble(r.suggested());
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" "
                + "stroke-dasharray=\"4 3\"/>%n<text x=\"%.1f\" y=\"%d\" fill=\"#d62728\">suggested %.3g</text>%n",
                sx, top, sx, h - bottom, sx + 4, top + 14, r.suggested()));
        s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">learning rate (log scale)</text>%n", w / 2, h - 12));
        s.append(String.format("<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">smoothed loss"
                + "</text>%n</svg>%n", h / 2, h / 2));
        AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
    }
}
