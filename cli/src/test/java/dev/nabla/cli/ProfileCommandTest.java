package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nabla train --profile: a table of kernels after the first epoch, with totals that account for the wall time. */
class ProfileCommandTest {

    @Test
    void profile_listsTheCostliestKernels_perEntry_andTheTimeOutsideThem() {
        CliRun r = CliRun.of("train", "../samples/iris.nabla", "--epochs", "3", "--no-save", "--profile");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        // iris: 120 training samples in batches of 16 = 8 steps per epoch; epochs 2 and 3 are counted
        assertTrue(r.out().contains("profile of epochs 2-3 (16 optimizer steps"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+trainStep\\s+\\S+\\s+16\\s+.*gemm.*")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+update\\s+\\S+\\s+16\\s+.*adam step of .*")), r.out());
        double percent = 0;
        for (String l : lines) {
            if (l.contains("(all kernels)") || l.contains("outside kernels")) {
                percent += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1, l.length() - 1));
            }
        }
        assertEquals(100, percent, 0.5, "the entry totals and the time outside kernels add up to the wall time");
        // iris validates on nothing during training: its only evaluate calls are the test set's, after the last epoch,
        // outside the profiled wall (counted, they made the CNN's "outside kernels" negative)
        assertTrue(r.out().contains("testing on 30"), r.out());
        assertFalse(lines.stream().anyMatch(l -> l.trim().startsWith("evaluate")), r.out());
        assertTrue(r.out().matches("(?s).*JIT warm-up: epoch 1 took [0-9.]+ s, the later ones [0-9.]+ s each on average.*"),
                r.out());
    }

    @Test
    void profile_withRepeat_isRefused() {
        CliRun r = CliRun.of("train", "../samples/iris.nabla", "--repeat", "2", "--profile");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--profile times one run"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
