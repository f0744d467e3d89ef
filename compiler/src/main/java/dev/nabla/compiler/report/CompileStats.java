package dev.nabla.compiler.report;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;

import java.util.Set;

/**
 * What each compilation stage makes of a model ({@code nabla ir --stats}): instructions and FLOPs per example of the
 * graphs as elaborated, differentiated and optimized; then kernels per entry point and the bytes the buffers take at
 * batch 1 and at the training batch, split into the model's own buffers and the memory plan's temporaries.
 */
public final class CompileStats {

    private CompileStats() {
    }

    public static String render(ModelIr m, OptimizerSpec optimizer, Set<String> disabledPasses) {
        StringBuilder s = new StringBuilder("model ").append(m.name()).append(" (").append(m.sourceFile()).append(")\n");
        String row = "%-34s %8s %16s%n";
        s.append(String.format(row, "stage", "ops", "FLOPs/example"));
        line(s, row, "elaborated: training", m.train());
        line(s, row, "elaborated: inference", m.inference());
        if (m.trainable()) {
            Graph withGrads = Autodiff.gradients(m.train());
            line(s, row, "differentiated: training step", withGrads);
            line(s, row, "optimized: training step", Passes.run(withGrads, disabledPasses));
        }
        line(s, row, "optimized: inference", Passes.run(m.inference(), disabledPasses));
        ModelClasses mc = ModelCompiler.compile(m, optimizer, disabledPasses);
        s.append("kernels: ");
        mc.kernelCounts().forEach((entry, n) -> s.append(entry).append(' ').append(n).append("  "));
        s.append('\n');
        int batch = m.config().batchSize();
        s.append(String.format("%-34s %14s %14s%n", "planned bytes", "batch 1", "batch " + batch));
        bytes(s, "model buffers (params, grads, I/O)", mc.spec(), false, batch);
        bytes(s, "temporaries (memory plan)", mc.spec(), true, batch);
        return s.toString();
    }

    private static void line(StringBuilder s, String row, String stage, Graph g) {
        s.append(String.format(row, stage, g.body().size(), String.format("%,d", Flops.of(g))));
    }

    private static void bytes(StringBuilder s, String what, ModelSpec spec, boolean temps, int batch) {
        long one = 0;
        long many = 0;
        for (BufferSpec b : spec.buffers()) {
            if ((b.role() == BufferRole.TEMP) == temps) {
                one += 4L * b.size(1);
                many += 4L * b.size(batch);
            }
        }
        s.append(String.format("%-34s %,14d %,14d%n", what, one, many));
    }
}
