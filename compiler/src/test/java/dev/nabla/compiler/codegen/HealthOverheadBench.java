package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.GradientHealth;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * What gradient health costs per training step, measured in pairs: one JVM compiles the model twice, without and
 * with health, and times windows of {@value #WINDOW} steps (trainStep, update, and with health the trainer's per-step
 * reading of the HEALTH buffers, as nabla train does) alternating between the two, on the same random batch of 128.
 * Each pair of neighbouring windows gives one ratio; the median ratio is the overhead. Load that comes and goes on
 * the machine lands on both sides of most pairs, where separate runs of each variant spread by ±20% (which is what
 * made bench/health_overhead.sh's first figures unreadable at the 2% level).
 * With {@code -Dnabla.bench.control=true} both sides are compiled without health: the figure is then the method's own
 * bias and noise. Run by hand (not a test), as bench/health_overhead_paired.sh does:
 * {@code java --add-modules jdk.incubator.vector [-Dnabla.threads=1] -cp ... HealthOverheadBench FILE [pairs]}.
 */
public final class HealthOverheadBench {

    private static final int BATCH = 128;
    private static final int WINDOW = 50;
    private static final int WARM_UP_WINDOWS = 8;

    private HealthOverheadBench() {
    }

    /** One variant: its model, buffers and health (null without). */
    private record Variant(CompiledModel model, float[][] buffers, GradientHealth health, float[] hyper) {

        static Variant compile(ModelIr ir, boolean health) {
            CompiledModel m = ModelCompiler.compile(ir, ir.config().optimizer(), Set.of(),
                    EmitTarget.inProcess(ir.name()).withHealth(health)).load();
            return new Variant(m, W1Bench.fill(m.spec(), BATCH), GradientHealth.of(m.spec()), new float[] {0.01f, 1, 1});
        }

        /** The window's wall time and the calling thread's CPU time, in ns. */
        long[] window() {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int s = 0; s < WINDOW; s++) {
                W1Bench.step(model, buffers, hyper, BATCH, health);
            }
            return new long[] {System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0};
        }
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "samples/fashion_mlp.nabla");
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        ModelIr ir = Compiler.compileFile(file).model(null);
        Variant off = Variant.compile(ir, false);
        Variant on = Variant.compile(ir, !Boolean.getBoolean("nabla.bench.control"));
        for (int w = 0; w < WARM_UP_WINDOWS; w++) {
            off.window();
            on.window();
        }
        double[] ratio = new double[pairs];
        double[] cpuRatio = new double[pairs];
        double[] offRate = new double[pairs];
        for (int p = 0; p < pairs; p++) {
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
            ratio[p] = (double) b[0] / a[0];
            cpuRatio[p] = (double) b[1] / a[1];
            offRate[p] = WINDOW * BATCH / (a[0] * 1e-9);
        }
        Arrays.sort(ratio);
        Arrays.sort(cpuRatio);
        Arrays.sort(offRate);
        // With helper threads the caller's CPU time leaves out their share of the work: only wall time then.
        String cpu = Gemm.threads() == 1 ? String.format(", \"cpu_overhead_percent\": %.2f", 100 * (cpuRatio[pairs / 2] - 1)) : "";
        System.out.printf("RESULT {\"workload\": \"%s\", \"threads\": %d, \"pairs\": %d, \"median_samples_per_s_without\": %.0f, "
                        + "\"overhead_percent\": %.2f, \"quartiles_percent\": [%.2f, %.2f]%s}%n",
                file.getFileName(), Gemm.threads(), pairs, offRate[pairs / 2], 100 * (ratio[pairs / 2] - 1),
                100 * (ratio[pairs / 4] - 1), 100 * (ratio[3 * pairs / 4] - 1), cpu);
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
}
