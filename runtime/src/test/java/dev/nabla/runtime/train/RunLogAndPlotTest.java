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

    private static EpochStats withHealth(int epoch, double gradNorm) {
        EpochHealth h = new EpochHealth(List.of(new EpochHealth.Param("h.W", 3, 2, gradNorm, 2.0, 1e-3),
                new EpochHealth.Param("h.b", 3, 1, 0.5, Double.NaN, Double.NaN)),
                List.of(new EpochHealth.Activity("h", 3, 8, 2)), 10, 1, List.of());
        return new EpochStats(epoch, 2, 10L * epoch, 320, 1.0 / epoch, Double.NaN, Double.NaN, Double.NaN, 0.1, 0.5, h);
    }

    @Test
    void csv_withHealth_hasColumnsPerParameterAndActivation() {
        assertEquals(RunLog.HEADER + ",grad_norm[h.W],weight_norm[h.W],update_ratio[h.W],grad_norm[h.b],weight_norm[h.b],"
                + "update_ratio[h.b],dead_units[h],clipped_steps\n"
                + "1,10,320,1.00000,,,,0.100000,0.500,0.0100000,2.00000,0.00100000,0.500000,,,0.250000,0.100000\n"
                + "2,20,320,0.500000,,,,0.100000,0.500,0.00100000,2.00000,0.00100000,0.500000,,,0.250000,0.100000\n",
                RunLog.csv(List.of(withHealth(1, 0.01), withHealth(2, 0.001))));
    }

    @Test
    void svg_withHealth_addsALogScalePanelOfTheWeightsGradientNorms() {
        String svg = LossPlot.svg("M", List.of(withHealth(1, 0.01), withHealth(2, 0.001)));
        assertTrue(svg.contains("gradient norm per layer"), svg);
        assertTrue(svg.contains(">h.W<") && !svg.contains(">h.b<"), "weights only, not biases: " + svg);
        assertTrue(svg.contains(">1e-3<") && svg.contains(">1e-2<"), "decades from 1e-3 to 1e-2: " + svg);
        assertEquals(2, svg.split("<polyline").length - 1, "train loss and one gradient norm");
        assertTrue(svg.contains("height=\"730\""), "the panel adds to the height");
    }

    @Test
    void curvePlot_drawsEachMeanWithABandOfOneStdAroundIt() {
        CurvePlot.Curve banded = new CurvePlot.Curve("a", new double[] {1, 2}, new double[] {0.5, 0.5}, false);
        CurvePlot.Curve single = new CurvePlot.Curve("b", new double[] {1.5, Double.NaN}, null, false);
        String svg = CurvePlot.svg("T", List.of(new CurvePlot.Panel("loss", "loss", false, List.of(banded, single))));
        assertEquals(1, svg.split("<polygon").length - 1, "one band, for the curve with a spread");
        assertEquals(2, svg.split("<polyline").length - 1);
        assertTrue(svg.contains(">a<") && svg.contains(">b<"), svg);
        // y axis 0..2.5 in steps of 0.5 over 240 px from y = 82: the band's top at epoch 2 is mean + std = 2.5, its
        // bottom 1.5
        assertTrue(svg.contains("650.0,82.0") && svg.contains("650.0,178.0"), svg);
        assertTrue(svg.contains(">0.0<") && svg.contains(">0.5<") && svg.contains(">2.5<") && !svg.contains(">3.0<"), svg);
    }
}
