package dev.nabla.runtime.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The t distribution against closed forms and tables; summaries and Welch's test on data worked by hand. */
class SeedStatisticsTest {

    @Test
    void tDistribution_matchesClosedFormsAndTables() {
        for (double t : new double[] {-3, -0.5, 0, 0.7, 2, 10}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, SeedStatistics.tCdf(t, 1), 1e-12, "Cauchy at " + t);
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), SeedStatistics.tCdf(t, 2), 1e-12, "df 2 at " + t);
        }
        assertEquals(12.70620474, SeedStatistics.tQuantile(0.975, 1), 1e-6);
        assertEquals(2.776445105, SeedStatistics.tQuantile(0.975, 4), 1e-6);
        assertEquals(2.262157163, SeedStatistics.tQuantile(0.975, 9), 1e-6);
        assertEquals(1.959963985, SeedStatistics.tQuantile(0.975, 1e7), 1e-4, "large df is the normal");
    }

    @Test
    void summary_meanSampleStdAndTInterval() {
        SeedStatistics.Summary s = SeedStatistics.summarize("accuracy", new double[] {1, 2, 3, 4, 5});
        assertEquals(3, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), s.std(), 1e-12);
        double half = 2.776445105 * Math.sqrt(2.5) / Math.sqrt(5);
        assertEquals(3 - half, s.low(), 1e-6);
        assertEquals(3 + half, s.high(), 1e-6);
    }

    @Test
    void welch_byHand() {
        SeedStatistics.Summary a = SeedStatistics.summarize("m", new double[] {1, 2, 3, 4, 5});
        SeedStatistics.Summary b = SeedStatistics.summarize("m", new double[] {2, 4, 6, 8, 10});
        SeedStatistics.Comparison c = SeedStatistics.welch(a, b);
        // variances of the means 2.5/5 and 10/5; df = 2.5^2 / (0.5^2/4 + 2^2/4)
        assertEquals(-3 / Math.sqrt(2.5), c.t(), 1e-12);
        assertEquals(6.25 / 1.0625, c.df(), 1e-12);
        assertEquals(2 * (1 - SeedStatistics.tCdf(3 / Math.sqrt(2.5), 6.25 / 1.0625)), c.p(), 1e-15);
        assertTrue(c.p() > 0.05 && c.p() < 0.2, "p " + c.p());
        SeedStatistics.Comparison far = SeedStatistics.welch(a, SeedStatistics.summarize("m", new double[] {11, 12, 13, 14, 15}));
        assertTrue(far.p() < 1e-4, "p " + far.p());
    }
}
