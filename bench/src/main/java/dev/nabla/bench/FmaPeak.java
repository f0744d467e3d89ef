package dev.nabla.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The multiply-add peak of the calling thread's core as the JVM reaches it: 12 independent accumulators of the
 * preferred species, no memory access. Measured next to the kernels, it tells how much of the core they get on a
 * machine shared with other work (the peers' README: AVX-512 machines; this loop reaches 2 fma per cycle).
 */
final class FmaPeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static float sink;

    private FmaPeak() {
    }

    /** GFLOP/s (2 per lane per fma) of the best of {@code rounds} runs of about 20 ms of CPU time. */
    static double gflops(int rounds) {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            int n = 2_000_000;
            long t0 = CPU.getCurrentThreadCpuTime();
            float s = loop(n);
            long t = CPU.getCurrentThreadCpuTime() - t0;
            sink += s;
            best = Math.max(best, 2.0 * 12 * S.length() * n / t);
        }
        return best;
    }

    private static float loop(int n) {
        FloatVector a = FloatVector.broadcast(S, 1.0000001f);
        FloatVector b = FloatVector.broadcast(S, 0.999999f);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0;
        FloatVector c11 = c0;
        for (int i = 0; i < n; i++) {
            c0 = a.fma(b, c0);
            c1 = a.fma(b, c1);
            c2 = a.fma(b, c2);
            c3 = a.fma(b, c3);
            c4 = a.fma(b, c4);
            c5 = a.fma(b, c5);
            c6 = a.fma(b, c6);
            c7 = a.fma(b, c7);
            c8 = a.fma(b, c8);
            c9 = a.fma(b, c9);
            c10 = a.fma(b, c10);
            c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .lane(0);
    }

    static int lanes() {
        return S.length();
    }
}
