package dev.nabla.runtime.kernels;

/**
 * The error function, which Java's {@link Math} lacks, for generated code (gelu's exact form) and the interpreter.
 * Three pieces, each a polynomial in a variable normalised to [-1, 1] (Chebyshev interpolants in 40-digit
 * arithmetic, converted to power form; generator: runtime/src/test/resources/erf_fit.py):
 * <ul>
 *   <li>|x| &lt; 1: erf(x) = x * P(x^2), no cancellation near 0;</li>
 *   <li>1 &lt;= |x| &lt; 6: erf(x) = 1 - exp(-x^2) * Q(x), with Q = erfc(x) exp(x^2) smooth and slowly varying, so
 *       the tail keeps its relative accuracy; split at 2.5 to keep the degrees low;</li>
 *   <li>|x| &gt;= 6: +-1 (erfc(6) &lt; 3e-17).</li>
 * </ul>
 * Maximum absolute error about 2e-14 (ErfTest checks 1e-13 against an independent series), far below float's
 * resolution, so float callers get the correctly rounded value almost always.
 */
public final class Erf {

    /** erf(sqrt(t)) / sqrt(t) for t in [0, 1], in s = 2t - 1. */
    private static final double[] SMALL = {
            0.9654687386698853, -0.14053608902271786, 0.01985249668808491,
            -0.00228548556110692, 0.0002175171632307876, -1.753716973862979e-05,
            1.2233626160180265e-06, -7.511485988358766e-08, 4.138778716473844e-09,
            -2.0447481117482828e-10
    };
    /** erfc(x) exp(x^2) for x in [1, 2.5], in s = (2x - 3.5) / 1.5. */
    private static final double[] MIDDLE = {
            0.2849722347374364, -0.0982322591360897, 0.03136704192402988,
            -0.009390935484039362, 0.002659179122579107, -0.000716891536336755,
            0.0001849560957355093, -4.58557369927131e-05, 1.0962811120064574e-05,
            -2.5355544556329144e-06, 5.682169228707338e-07, -1.2231227283975878e-07,
            2.594147203565164e-08, -6.287129097056187e-09, 1.2591764449063127e-09
    };
    /** erfc(x) exp(x^2) for x in [2.5, 6], in s = (2x - 8.5) / 3.5. */
    private static final double[] LARGE = {
            0.12934527478578892, -0.05065257997551716, 0.019391340489190088,
            -0.007266954325081015, 0.0026690031844239922, -0.0009617328208252555,
            0.0003403158455798218, -0.00011835544838505248, 4.046984188124233e-05,
            -1.3626844322311502e-05, 4.554982504576899e-06, -1.487687752268344e-06,
            4.3674249685691235e-07, -1.395279408850078e-07, 7.005875714710028e-08,
            -2.1500413333803055e-08
    };

    private Erf() {
    }

    public static double erf(double x) {
        double a = Math.abs(x);
        if (a < 1) {
            return x * horner(SMALL, 2 * x * x - 1);
        }
        if (Double.isNaN(x)) {
            return x;
        }
        double tail = a >= 6 ? 0
                : a < 2.5 ? Math.exp(-a * a) * horner(MIDDLE, (2 * a - 3.5) / 1.5)
                : Math.exp(-a * a) * horner(LARGE, (2 * a - 8.5) / 3.5);
        return Math.copySign(1 - tail, x);
    }

    /** Float in, float out, computed in double: what generated scalar code calls. */
    public static float erf(float x) {
        return (float) erf((double) x);
    }

    private static double horner(double[] p, double s) {
        double r = p[p.length - 1];
        for (int i = p.length - 2; i >= 0; i--) {
            r = r * s + p[i];
        }
        return r;
    }
}
