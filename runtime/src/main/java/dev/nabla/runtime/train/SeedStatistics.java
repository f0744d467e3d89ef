package dev.nabla.runtime.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Honest numbers from repeated runs: a metric's mean, sample standard deviation and 95% confidence interval over the
 * seeds (Student's t with n - 1 degrees of freedom), and Welch's t-test for whether two models differ by more than
 * seed-to-seed noise (unequal variances; Welch-Satterthwaite degrees of freedom; two-sided p). The t distribution comes
 * from the regularized incomplete beta function (Numerical Recipes' continued fraction), so nothing is tabulated.
 */
public final class SeedStatistics {

    /** A metric over n runs. */
    public record Summary(String metric, double[] values, double mean, double std, double low, double high) {

        public String describe() {
            return String.format(Locale.ROOT, "%s %.4g ± %.2g (std over %d seeds), 95%% CI [%.4g, %.4g]", metric, mean, std,
                    values.length, low, high);
        }
    }

    /** Welch's t-test of two summaries. */
    public record Comparison(double difference, double t, double df, double p) {

        public String describe(String a, String b) {
            String verdict = p < 0.05
                    ? "the difference is larger than seed-to-seed noise (p < 0.05)"
                    : "the difference is within seed-to-seed noise (p >= 0.05): these runs do not tell the models apart";
            return String.format(Locale.ROOT, "%s - %s = %.4g; Welch's t-test: t = %.3f, df = %.1f, p = %.3g: %s", a, b,
                    difference, t, df, p, verdict);
        }
    }

    private SeedStatistics() {
    }

    public static Summary summarize(String metric, double[] values) {
        int n = values.length;
        double mean = Arrays.stream(values).average().orElse(Double.NaN);
        double std = n < 2 ? 0 : Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (n - 1));
        double half = n < 2 ? Double.NaN : tQuantile(0.975, n - 1) * std / Math.sqrt(n);
        return new Summary(metric, values.clone(), mean, std, mean - half, mean + half);
    }

    public static Comparison welch(Summary a, Summary b) {
        return welch(a.mean(), a.std(), a.values().length, b.mean(), b.std(), b.values().length);
    }

    /** Welch's t-test from each sample's mean, standard deviation and size (at least 2 each). */
    public static Comparison welch(double meanA, double stdA, int nA, double meanB, double stdB, int nB) {
        double va = stdA * stdA / nA;
        double vb = stdB * stdB / nB;
        double diff = meanA - meanB;
        if (va + vb == 0) {
            return new Comparison(diff, diff == 0 ? 0 : Double.POSITIVE_INFINITY, Double.NaN, diff == 0 ? 1 : 0);
        }
        double t = diff / Math.sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (nA - 1) + vb * vb / (nB - 1));
        return new Comparison(diff, t, df, 2 * (1 - tCdf(Math.abs(t), df)));
    }

    /** P(T <= t) for Student's t with {@code df} degrees of freedom. */
    static double tCdf(double t, double df) {
        double tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    /** The t with {@code tCdf(t, df) = p}, by bisection (tCdf is increasing). */
    static double tQuantile(double p, double df) {
        double lo = -1e3;
        double hi = 1e3;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (tCdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** The regularized incomplete beta function I_x(a, b). */
    static double incompleteBeta(double a, double b, double x) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        return x < (a + 1) / (a + b + 2) ? front * betaFraction(a, b, x) / a
                : 1 - front * betaFraction(b, a, 1 - x) / b;
    }

    private static double betaFraction(double a, double b, double x) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++) {
            double m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 / nonZero(1 + aa * d, tiny);
            c = nonZero(1 + aa / c, tiny);
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 / nonZero(1 + aa * d, tiny);
            c = nonZero(1 + aa / c, tiny);
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    private static double nonZero(double v, double tiny) {
        return Math.abs(v) < tiny ? tiny : v;
    }

    /** Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15. */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
