package dev.nabla.compiler.codegen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pairs of a paired benchmark (HealthOverheadBench): per pair the ratio of the two sides' wall times (and of the
 * caller's CPU times), and whether the JIT compiler worked during the pair. A pair the compiler worked in compares a
 * side whose code was being replaced (or whose cores the compiler threads took, on two cores) with one whose code
 * was not: the sides differ in how many kernels they have to compile (with health: three probe kernels and update
 * kernels five times the bytecode), so such pairs measure warm-up, not the step. The figures are taken over the quiet
 * pairs, or over all pairs (and said so) when fewer than {@value #MIN_QUIET} are quiet.
 */
final class PairedWindows {

    static final int MIN_QUIET = 5;

    private record Pair(double ratio, double cpuRatio, boolean compiled) {
    }

    private final List<Pair> pairs = new ArrayList<>();

    void add(double ratio, double cpuRatio, boolean compiled) {
        pairs.add(new Pair(ratio, cpuRatio, compiled));
    }

    int size() {
        return pairs.size();
    }

    int quiet() {
        return (int) pairs.stream().filter(p -> !p.compiled()).count();
    }

    /** Whether the figures come from the quiet pairs only. */
    boolean quietOnly() {
        return quiet() >= MIN_QUIET;
    }

    /** Lower quartile, median and upper quartile of the wall-time ratio, or of the CPU-time ratio. */
    double[] quartiles(boolean cpu) {
        double[] r = pairs.stream().filter(p -> !quietOnly() || !p.compiled())
                .mapToDouble(p -> cpu ? p.cpuRatio() : p.ratio()).sorted().toArray();
        if (r.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {r[r.length / 4], median(r), r[3 * r.length / 4]};
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
