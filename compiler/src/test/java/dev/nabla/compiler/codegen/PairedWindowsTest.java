package dev.nabla.compiler.codegen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HealthOverheadBench's pair statistics: pairs the JIT compiler worked in do not count while enough others do. */
class PairedWindowsTest {

    @Test
    void pairsTheCompilerWorkedInAreLeftOut() {
        PairedWindows w = new PairedWindows();
        // six quiet pairs around 1.01, and four during compilation where one side was still warming up
        for (double r : new double[] {1.00, 1.02, 1.01, 0.99, 1.03, 1.01}) {
            w.add(r, r, false);
        }
        for (int i = 0; i < 4; i++) {
            w.add(1.30, 1.25, true);
        }
        assertEquals(10, w.size());
        assertEquals(6, w.quiet());
        assertTrue(w.quietOnly());
        assertArrayEquals(new double[] {1.00, 1.01, 1.02}, w.quartiles(false), 1e-12);
    }

    @Test
    void withTooFewQuietPairsEveryPairCounts() {
        PairedWindows w = new PairedWindows();
        w.add(1.0, 1.0, false);
        w.add(2.0, 1.5, true);
        w.add(3.0, 2.0, true);
        assertFalse(w.quietOnly());
        assertEquals(2.0, w.quartiles(false)[1], 1e-12);
        assertEquals(1.5, w.quartiles(true)[1], 1e-12);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, PairedWindows.median(new double[] {4, 1, 3, 2}), 1e-12);
        assertEquals(3.0, PairedWindows.median(new double[] {5, 3, 1}), 1e-12);
    }
}
