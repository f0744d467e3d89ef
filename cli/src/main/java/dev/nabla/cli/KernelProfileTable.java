package dev.nabla.cli;

import dev.nabla.runtime.KernelProfile;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.ForwardingProgress;
import dev.nabla.runtime.train.ProgressListener;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nabla train --profile}: where the training time went, kernel by kernel. Counting starts after the first epoch
 * (which carries the JIT's warm-up) when there are several, and the time outside every kernel is shown as one row:
 * batch gathering, shuffling, metrics and progress output.
 */
final class KernelProfileTable extends ForwardingProgress {

    private static final int ROWS = 25;

    private final int epochs;
    private long started = System.nanoTime();
    private long ended;
    /** The first epoch counted: the second, once the first of several is done. */
    private int firstEpoch = 1;
    private int lastEpoch;
    private boolean warmedUp;
    private double firstEpochSeconds;
    private double laterSeconds;
    private int laterEpochs;
    private long stepAtStart;
    private long lastStep;
    /**
     * The counters as the last epoch ended, where the wall time ends: the test-set evaluation after training runs the
     * evaluate kernels again, and counting it against the epochs' wall made "outside kernels" negative.
     */
    private List<KernelProfile.Row> rows = List.of();

    KernelProfileTable(ProgressListener inner, int epochs) {
        super(inner);
        this.epochs = epochs;
        KernelProfile.reset();
    }

    @Override
    public void epochDone(EpochStats stats) {
        super.epochDone(stats);
        ended = System.nanoTime();
        lastStep = stats.step();
        lastEpoch = stats.epoch();
        if (warmedUp) {
            laterSeconds += stats.seconds();
            laterEpochs++;
        }
        if (!warmedUp && stats.epoch() < epochs) {
            warmedUp = true;
            firstEpochSeconds = stats.seconds();
            KernelProfile.reset();
            started = System.nanoTime();
            stepAtStart = stats.step();
            firstEpoch = stats.epoch() + 1;
        }
        rows = KernelProfile.snapshot();
    }

    /** The table: the costliest kernels, the total per entry point, and the time outside kernels. */
    void print(PrintStream out) {
        double wallUs = (ended - started) / 1e3;
        long perStep = Math.max(1, lastStep - stepAtStart);
        out.printf("profile of epochs %d-%d (%d optimizer steps, %.3f s wall%s)%n", firstEpoch, lastEpoch, perStep,
                wallUs / 1e6, firstEpoch > 1 ? "; epoch 1, with the JIT's warm-up, left out" : "");
        out.printf("  %-9s %-28s %8s %11s %11s %6s  %s%n", "entry", "kernel", "calls", "us/call", "us/step", "%",
                "covers");
        Map<String, Long> perEntry = new LinkedHashMap<>();
        long inKernels = 0;
        for (KernelProfile.Row r : rows) {
            perEntry.merge(r.entry(), r.nanos(), Long::sum);
            inKernels += r.nanos();
        }
        List<KernelProfile.Row> costliest = rows.stream()
                .sorted(Comparator.comparingLong(KernelProfile.Row::nanos).reversed()).limit(ROWS).toList();
        for (KernelProfile.Row r : costliest) {
            out.printf("  %-9s %-28s %8d %11.1f %11.1f %5.1f%%  %s%n", r.entry(), clip(r.kernel(), 28), r.calls(),
                    r.nanos() / 1e3 / r.calls(), r.nanos() / 1e3 / perStep, 100 * r.nanos() / 1e3 / wallUs,
                    clip(r.covers(), 70));
        }
        if (rows.size() > ROWS) {
            out.printf("  ... %d more kernels%n", rows.size() - ROWS);
        }
        out.println("  totals:");
        perEntry.forEach((entry, nanos) -> out.printf("  %-38s %8s %11s %11.1f %5.1f%%%n", entry + " (all kernels)", "",
                "", nanos / 1e3 / perStep, 100 * nanos / 1e3 / wallUs));
        double outside = wallUs - inKernels / 1e3;
        out.printf("  %-38s %8s %11s %11.1f %5.1f%%%n", "outside kernels (data, shuffle, metrics)", "", "",
                outside / perStep, 100 * outside / wallUs);
        if (laterEpochs > 0) {
            out.printf("  JIT warm-up: epoch %d took %.3f s, the later ones %.3f s each on average%n", firstEpoch - 1,
                    firstEpochSeconds, laterSeconds / laterEpochs);
        }
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }
}
