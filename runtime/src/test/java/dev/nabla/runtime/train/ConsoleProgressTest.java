package dev.nabla.runtime.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressTest {

    private static final EpochStats STATS = new EpochStats(3, 30, 135, 1438, 0.43214, Double.NaN, 0.5, 0.9123, 0.1, 2.0);

    @Test
    void plain_onlyOneSummaryLinePerEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.epochStarted(3, 30, 45, 1438);
        p.batchDone(45, 1438, 0.4321);
        p.epochDone(STATS);
        assertEquals("epoch 3/30  train loss 0.4321  val loss 0.5000  val acc 91.23%  2.0 s  719 samples/s\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void live_redrawsBarInPlaceThenSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.epochStarted(3, 30, 45, 1438);
        p.batchDone(1, 32, 2.5);
        p.epochDone(STATS);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\repoch 3/30 [") && out.contains("loss 2.5000  ETA") && out.endsWith("samples/s\n"), out);
    }

    @Test
    void bar_halfDone_showsHalfTheBarAndEta() {
        ConsoleProgress p = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true);
        p.epochStarted(1, 2, 10, 1000);
        assertEquals("epoch 1/2 [============------------]   50%  250 samples/s  loss 0.1000  ETA 2s",
                p.bar(5, 500, 0.1, 2.0));
        assertEquals("2m05s", ConsoleProgress.duration(125));
    }
}
