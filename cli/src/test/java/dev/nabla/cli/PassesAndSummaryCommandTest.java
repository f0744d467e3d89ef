package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nabla summary, nabla ir --after and --stats, and --no-pass on the commands that compile. */
class PassesAndSummaryCommandTest {

    private static final String DIGITS = "../samples/digits.nabla";

    @Test
    void summary_listsEveryLayerCall_withParameterCountsThatAddUp() {
        CliRun r = CliRun.of("summary", DIGITS);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("hidden\\s+relu\\s+\\[B,64]\\s+4,160\\s+.*")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("logits\\s+add\\s+\\[B,10]\\s+650\\s+.*")), r.out());
        // 64*64 + 64 + 64*10 + 10 parameters, 4 bytes each
        assertTrue(r.out().contains("trainable parameters: 4,810"), r.out());
        assertTrue(r.out().contains("weights:              19,240 bytes"), r.out());
        // a dense layer's forward is 2 * in * out multiply-adds plus the bias and activation per output
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("hidden") && l.endsWith(String.format("%,d", 2 * 64 * 64 + 64 + 64))),
                r.out());
    }

    @Test
    void irAfterAPass_printsTheGraphThen_andAllPrintsEachPass() {
        CliRun one = CliRun.of("ir", DIGITS, "--grad", "--after", "fold-constants");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().startsWith("// after fold-constants"), one.out());
        assertTrue(one.out().contains("graph Digits.train {"), one.out());
        assertFalse(one.out().contains("// after safer-forms"), one.out());
        assertFalse(one.out().contains("// after simplify"), one.out());
        CliRun all = CliRun.of("ir", DIGITS, "--grad", "--after", "all", "--no-pass", "cse");
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().contains("// after cse (switched off)"), all.out());
        assertTrue(all.out().contains("// after dead-code"), all.out());
        CliRun bad = CliRun.of("ir", DIGITS, "--after", "inline");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("unknown pass 'inline'"), bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }

    @Test
    void irStats_reportsStagesKernelsAndPlannedBytes() {
        CliRun r = CliRun.of("ir", DIGITS, "--stats");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("differentiated: training step"), r.out());
        assertTrue(r.out().contains("optimized: training step"), r.out());
        assertTrue(r.out().matches("(?s).*kernels: predict \\d+  trainStep \\d+  update \\d+.*"), r.out());
        assertTrue(r.out().contains("batch 32"), r.out());
    }

    @Test
    void trainingWithEveryPassOff_givesTheSameLossesToFloatNoise() {
        CliRun on = CliRun.of("train", DIGITS, "--epochs", "2", "--no-save", "--threads", "1");
        CliRun off = CliRun.of("train", DIGITS, "--epochs", "2", "--no-save", "--threads", "1", "--no-pass", "all");
        assertEquals(0, on.exit(), on.err());
        assertEquals(0, off.exit(), off.err());
        double a = loss(on.out());
        double b = loss(off.out());
        assertEquals(a, b, 1e-3 * a, on.out() + "\n" + off.out());
        CliRun bad = CliRun.of("train", DIGITS, "--no-pass", "fold");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("unknown pass 'fold'"), bad.err());
    }

    private static double loss(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch 2/2  train loss (\\d+\\.\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
