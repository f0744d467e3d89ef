package dev.nabla.runtime.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLogAndPlotTest {

    private static final List<EpochStats> TWO_EPOCHS = List.of(
            new EpochStats(1, 2, 10, 320, 1.0, Double.NaN, Double.NaN, Double.NaN, 0.1, 0.5),
            new EpochStats(2, 2, 20, 320, 0.5, Double.NaN, Double.NaN, Double.NaN, 0.05, 0.25));

    @Test
    void csv_oneRowPerEpoch_missingValidationLeftEmpty() {
        assertEquals(RunLog.HEADER + "\n1,10,320,1.00000,,,,0.100000,0.500\n2,20,320,0.500000,,,,0.0500000,0.250\n",
                RunLog.csv(TWO_EPOCHS));
    }

    @Test
    void svg_trainLossPolylineSpansPlotWithoutAccuracyAxis() {
        String svg = LossPlot.svg("M <1>", TWO_EPOCHS);
        // loss axis tops at 1.05 * max loss; plot area x 70..650, y 60..350
        double y1 = 60 + (1 - 1.0 / 1.05) * 290;
        double y2 = 60 + (1 - 0.5 / 1.05) * 290;
        assertTrue(svg.contains(String.format(java.util.Locale.ROOT, "points=\"70.0,%.1f 650.0,%.1f\"", y1, y2)), svg);
        assertTrue(svg.contains("M &lt;1&gt;"));
        assertFalse(svg.contains("accuracy"), "no accuracy axis without validation accuracy");
        assertEquals(1, svg.split("<polyline").length - 1, "no validation curve without validation");
        assertFalse(svg.contains("val loss"), "no legend entry for a curve that is not drawn");
    }

    @Test
    void svg_withValidation_drawsAndNamesLossAndAccuracyCurves() {
        List<EpochStats> validated = List.of(
                new EpochStats(1, 2, 10, 320, 1.0, 0.5, 1.2, 0.6, 0.1, 0.5),
                new EpochStats(2, 2, 20, 320, 0.5, 0.75, 0.7, 0.8, 0.05, 0.25));
        String svg = LossPlot.svg("M", validated);
        assertEquals(4, svg.split("<polyline").length - 1, "train and val loss, train and val accuracy");
        assertTrue(svg.contains(">val loss<") && svg.contains(">train accuracy<") && svg.contains(">val accuracy<"), svg);
    }
}
