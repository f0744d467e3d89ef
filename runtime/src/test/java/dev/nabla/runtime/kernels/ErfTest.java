package dev.nabla.runtime.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErfTest {

    /**
     * An independent oracle: erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), a series of
     * positive terms (no cancellation) that converges for every x.
     */
    private static double series(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 400; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    @Test
    void erf_matchesAnIndependentSeries_within1e13_over0To7() {
        double worst = 0;
        for (int i = 0; i <= 70_000; i++) {
            double x = i * 1e-4;
            worst = Math.max(worst, Math.abs(Erf.erf(x) - series(x)));
            assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0, "odd at " + x);
        }
        assertTrue(worst < 1e-13, "max error " + worst);
    }

    @Test
    void erf_isContinuousAndMonotoneAcrossItsPieces() {
        for (double edge : new double[] {1, 2.5, 6}) {
            double below = Erf.erf(Math.nextDown(edge));
            double at = Erf.erf(edge);
            assertTrue(below <= at && at - below < 5e-14, "at " + edge + ": " + below + " then " + at);
            assertTrue(at <= 1, "at most 1 at " + edge);
        }
    }

    @Test
    void erf_knownValues_andSpecialArguments() {
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-14);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-14);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-14);
        assertEquals(0.0, Erf.erf(0.0), 0.0);
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(-1.0, Erf.erf(-30.0), 0.0);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(0.84270079f, Erf.erf(1.0f), 0f);
    }
}
