package dev.nabla.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Time spent in each kernel of models compiled for profiling ({@code nabla train --profile}). A profiling build's
 * driver classes register their kernels once, in their static initializer, and then add the nanoseconds of every
 * kernel call around it: two {@code System.nanoTime()} calls and two array updates per kernel, nothing in the
 * kernels themselves. A normal build has none of this code.
 *
 * <p>One set of counters per driver class, written by the one thread that runs the model's entry points (a
 * product's worker threads run inside a kernel call, so their time is the call's).
 */
public final class KernelProfile {

    /** One kernel's totals. */
    public record Row(String entry, String kernel, String covers, long calls, long nanos) {
    }

    /** The counters of one driver class: slot i is its i-th kernel call site. */
    public static final class Counters {
        private final String[] entries;
        private final String[] kernels;
        private final String[] covers;
        private final long[] calls;
        private final long[] nanos;

        private Counters(String[] entries, String[] kernels, String[] covers) {
            this.entries = entries.clone();
            this.kernels = kernels.clone();
            this.covers = covers.clone();
            this.calls = new long[kernels.length];
            this.nanos = new long[kernels.length];
        }

        /** Called by generated code after kernel {@code slot} returns. */
        public void add(int slot, long elapsedNanos) {
            calls[slot]++;
            nanos[slot] += elapsedNanos;
        }
    }

    private static final List<Counters> REGISTERED = new ArrayList<>();

    private KernelProfile() {
    }

    /**
     * Counters for one driver class's kernels, in call order: the entry point each belongs to, the kernel's name, and
     * the IR instructions it covers.
     */
    public static synchronized Counters register(String[] entries, String[] kernels, String[] covers) {
        Counters c = new Counters(entries, kernels, covers);
        REGISTERED.add(c);
        return c;
    }

    /** Every kernel that ran since the last {@link #reset}, in registration and call order. */
    public static synchronized List<Row> snapshot() {
        List<Row> rows = new ArrayList<>();
        for (Counters c : REGISTERED) {
            for (int i = 0; i < c.kernels.length; i++) {
                if (c.calls[i] > 0) {
                    rows.add(new Row(c.entries[i], c.kernels[i], c.covers[i], c.calls[i], c.nanos[i]));
                }
            }
        }
        return rows;
    }

    /** Zeroes every counter (for example after warm-up). */
    public static synchronized void reset() {
        for (Counters c : REGISTERED) {
            java.util.Arrays.fill(c.calls, 0);
            java.util.Arrays.fill(c.nanos, 0);
        }
    }
}
