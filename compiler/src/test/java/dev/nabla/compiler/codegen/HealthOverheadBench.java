package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.GradientHealth;

import java.nio.file.Path;
import java.util.Set;

/**
 * What gradient health costs per training step, measured in pairs: one JVM compiles the model twice, without and
 * with health, and times windows of {@value #WINDOW} steps (trainStep, update, and with health the trainer's per-step
 * reading of the HEALTH buffers, as nabla train does) alternating between the two, on the same random batch of 128.
 * Each pair of neighbouring windows gives one ratio; the median ratio is the overhead. Load that comes and goes on
 * the machine lands on both sides of most pairs, where separate runs of each variant spread by ±20% (which is what
 * made bench/health_overhead.sh's first figures unreadable at the 2% level).
 * <p>
 * The JIT compiler is the other thing that lands on one side only: the health variant has more and larger kernels to
 * compile (on the CNN the last of them reach C2 after 200-400 steps), so warm-up runs until {@value #QUIET_TO_START}
 * pairs in a row pass with no compilation (at least {@value #MIN_WARM_UP_WINDOWS}, at most {@value #MAX_WARM_UP_WINDOWS} windows per side), and
 * pairs the compiler worked in are left out of the figures ({@link PairedWindows}; the RESULT line counts them).
 * The RESULT line also gives each side's bytes allocated per step on all threads during the timed windows: a kernel
 * whose Vector API calls were not compiled into vector instructions allocates, so a side that allocates runs code
 * the other does not, whatever the timing says.
 * With {@code -Dnabla.bench.control=true} both sides are compiled without health: the figure is then the method's own
 * bias and noise. Run by hand (not a test), as bench/health_overhead_paired.sh does:
 * {@code java --add-modules jdk.incubator.vector [-Dnabla.threads=1] -cp ... HealthOverheadBench FILE [pairs]}.
 */
public final class HealthOverheadBench {

    private static final int BATCH = 128;
    private static final int WINDOW = 50;
    private static final int MIN_WARM_UP_WINDOWS = 8;
    private static final int MAX_WARM_UP_WINDOWS = 60;
    /** Warm-up ends after this many pairs in a row with no compilation. */
    private static final int QUIET_TO_START = 3;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final java.lang.management.CompilationMXBean JIT = java.lang.management.ManagementFactory.getCompilationMXBean();

    private HealthOverheadBench() {
    }

    /** One variant: its model, buffers and health (null without). */
    private record Variant(CompiledModel model, float[][] buffers, GradientHealth health, float[] hyper) {

        static Variant compile(ModelIr ir, boolean health) {
            CompiledModel m = ModelCompiler.compile(ir, ir.config().optimizer(), Set.of(),
                    EmitTarget.inProcess(ir.name()).withHealth(health)).load();
            return new Variant(m, W1Bench.fill(m.spec(), BATCH), GradientHealth.of(m.spec()), new float[] {0.01f, 1, 1});
        }

        /** The window's wall time and the calling thread's CPU time, in ns, and the bytes all threads allocated per step. */
        long[] window() {
            long a0 = allocated();
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int s = 0; s < WINDOW; s++) {
                W1Bench.step(model, buffers, hyper, BATCH, health);
            }
            long t = System.nanoTime() - t0;
            long c = CPU.getCurrentThreadCpuTime() - c0;
            return new long[] {t, c, (allocated() - a0) / WINDOW};
        }
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "samples/fashion_mlp.nabla");
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        ModelIr ir = Compiler.compileFile(file).model(null);
        Variant off = Variant.compile(ir, false);
        Variant on = Variant.compile(ir, !Boolean.getBoolean("nabla.bench.control"));
        int warm = 0;
        int quietInARow = 0;
        while (warm < MIN_WARM_UP_WINDOWS || quietInARow < QUIET_TO_START && warm < MAX_WARM_UP_WINDOWS) {
            long jit = JIT.getTotalCompilationTime();
            off.window();
            on.window();
            quietInARow = JIT.getTotalCompilationTime() == jit ? quietInARow + 1 : 0;
            warm++;
        }
        PairedWindows windows = new PairedWindows();
        double[] offRate = new double[pairs];
        double[] offAlloc = new double[pairs];
        double[] onAlloc = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            long jit = JIT.getTotalCompilationTime();
            // alternate which goes first, so a drift in load does not favour one side
            long[] a;
            long[] b;
            if (p % 2 == 0) {
                a = off.window();
                b = on.window();
            } else {
                b = on.window();
                a = off.window();
            }
            windows.add((double) b[0] / a[0], (double) b[1] / a[1], JIT.getTotalCompilationTime() != jit);
            offRate[p] = WINDOW * BATCH / (a[0] * 1e-9);
            offAlloc[p] = a[2];
            onAlloc[p] = b[2];
        }
        double[] wall = windows.quartiles(false);
        // With helper threads the caller's CPU time leaves out their share of the work: only wall time then.
        String cpu = Gemm.threads() == 1
                ? String.format(", \"cpu_overhead_percent\": %.2f", 100 * (windows.quartiles(true)[1] - 1)) : "";
        System.out.printf("RESULT {\"workload\": \"%s\", \"threads\": %d, \"warm_up_windows\": %d, \"pairs\": %d, "
                        + "\"jit_busy_pairs\": %d, \"figures_from\": \"%s\", \"median_samples_per_s_without\": %.0f, "
                        + "\"overhead_percent\": %.2f, \"quartiles_percent\": [%.2f, %.2f]%s, "
                        + "\"alloc_bytes_per_step_without_with\": [%.0f, %.0f]}%n",
                file.getFileName(), Gemm.threads(), warm, pairs, pairs - windows.quiet(),
                windows.quietOnly() ? "quiet pairs" : "all pairs (too few quiet)", PairedWindows.median(offRate),
                100 * (wall[1] - 1), 100 * (wall[0] - 1), 100 * (wall[2] - 1), cpu,
                PairedWindows.median(offAlloc), PairedWindows.median(onAlloc));
    }

    /** Bytes allocated so far by all live threads (the kernels' helper threads included). */
    private static long allocated() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) CPU;
        long sum = 0;
        for (long bytes : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
