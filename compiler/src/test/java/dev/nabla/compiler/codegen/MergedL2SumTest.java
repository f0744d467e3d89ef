package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Listing;
import dev.nabla.compiler.lower.Program;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The L2 sum and its weight gradient's first loop ({@code grad:W = 2 lambda W}) merged into one sweep over the
 * weights ({@code lower/MergeSiblingLoops}), the loss's kernels last: the listing shows where each went, and the merged
 * trainStep matches
 * the interpreter, leaves the gradients of the unmerged step bit for bit, and the same bits on one thread and two, in
 * both bytecode families, over widths of 1, 15, 17 and 255 (255 x 255 weights: a merged loop split over the threads).
 */
class MergedL2SumTest {

    private static final String PROPERTY = "nabla.lower.mergeSiblingLoops";
    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restore() {
        Gemm.setThreads(savedThreads);
        System.clearProperty(PROPERTY);
    }

    private static ModelClasses compile(String source, boolean merge) {
        System.setProperty(PROPERTY, Boolean.toString(merge));
        try {
            return ModelCompiler.compile(GradientHealthKernelsTest.model(source), OptimizerSpec.sgd(0.05, 0.9, 0));
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    private static Kernel kernel(ModelClasses mc, String name) {
        return mc.program("trainStep").kernels().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    private static String listing(Kernel k) {
        return Listing.print(new Program("trainStep", List.of(k)));
    }

    @Test
    void theL2SumsJoinTheirWeightGradientsFirstLoopAndTheLossComesLast() {
        String source = FusedUpdateTest.dense(4, 8, 3);
        ModelClasses merged = compile(source, true);
        Kernel grad = kernel(merged, "grad_h_W_3");
        String listing = listing(grad);
        assertTrue(listing.contains("acc += h.W[") && listing.contains("grad:h.W[")
                && listing.contains("l2.sum[0] = acc\n") && listing.endsWith("// gemm m=4 n=8 k=B\n"), listing);
        assertTrue(grad.comment().contains("with l2_sum: %l2.mul = mul; %l2.sum = sum"), grad.comment());
        assertTrue(merged.program("trainStep").kernels().stream().noneMatch(k -> k.name().startsWith("l2_sum")));
        List<String> names = merged.program("trainStep").kernels().stream().map(Kernel::name).toList();
        assertEquals(List.of("cross_entropy_mean", "loss"), names.subList(names.size() - 2, names.size()), names.toString());

        ModelClasses apart = compile(source, false);
        assertFalse(listing(kernel(apart, "grad_h_W_3")).contains("double acc"));
        assertTrue(listing(kernel(apart, "l2_sum")).contains("acc += h.W["));
    }

    @ParameterizedTest(name = "dense {0}-{1}-{2} batch {3}")
    @CsvSource({"1, 17, 2, 1", "15, 255, 17, 15", "255, 1, 15, 17", "255, 255, 2, 17"})
    void mergedStepMatchesTheReferenceAndTheUnmergedStep(int in, int hidden, int classes, int batch) {
        String source = FusedUpdateTest.dense(in, hidden, classes);
        ModelIr model = GradientHealthKernelsTest.model(source);
        ModelClasses merged = compile(source, true);
        ModelClasses apart = compile(source, false);
        Harness.assertClassesVerify(merged);
        assertTrue(kernel(merged, "grad_h_W_3").comment().contains("with l2_sum"));
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(merged, vector);
            CompiledModel a = Harness.load(apart, vector);
            ModelSpec spec = m.spec();
            float[][] start = Harness.randomBuffers(spec, batch, 31L * in + hidden);
            float[][] one = Harness.copy(start);
            float[][] two = Harness.copy(start);
            float[][] unmerged = Harness.copy(start);
            Gemm.setThreads(1);
            m.trainStep(one, batch);
            a.trainStep(unmerged, batch);
            Gemm.setThreads(2);
            m.trainStep(two, batch);
            Harness.assertOutputsMatch(model.train(), spec, start, one, batch, 1e-5, 1e-4);
            int loss = spec.indicesOf(BufferRole.LOSS).get(0);
            assertEquals(unmerged[loss][0], one[loss][0], Math.abs(unmerged[loss][0]) * 1e-6, "loss");
            for (int i = 0; i < start.length; i++) {
                BufferSpec b = spec.buffers().get(i);
                if (b.role() != BufferRole.TEMP) {
                    assertArrayEquals(one[i], two[i], "one thread and two, vector=" + vector + ": " + b.name());
                }
                if (b.role() == BufferRole.GRAD) {
                    assertArrayEquals(unmerged[i], one[i], "merged and not, vector=" + vector + ": " + b.name());
                }
            }
        }
    }
}
