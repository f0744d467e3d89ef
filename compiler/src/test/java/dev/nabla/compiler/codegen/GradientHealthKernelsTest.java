package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Listing;
import dev.nabla.compiler.lower.ParallelLoop;
import dev.nabla.compiler.lower.Program;
import dev.nabla.compiler.lower.Stmt;
import dev.nabla.compiler.lower.UpdateStats;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.OptimizerSpec.Kind;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.optim.ReferenceOptimizer;
import dev.nabla.runtime.train.GradientHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient health inside the kernels: the update kernel's sums of squares and the training step's activity counts
 * equal what the reference interpreter and {@link ReferenceOptimizer} compute on the same step, in both bytecode
 * families; the instrumented update trains exactly as the plain one (whose rules UpdateKernelTest checks); its blocks still split over threads and give the
 * same bits; without health the kernels are the plain ones.
 */
class GradientHealthKernelsTest {

    /** wide.W has 40,000 elements (39 blocks and a remainder, enough to be split over threads); leaky.W 14,000. */
    private static final String DENSE = """
            model DenseHealth {
                input x : f32[B, 200]
                target y : i32[B] classes 10
                wide = dense(x, 200, activation = relu)
                leaky = dense(wide, 70, activation = leaky_relu)
                logits = dense(leaky, 10)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y) + l2(weights, 1e-3)
            }
            """;
    /** Activity per channel of [B, 4, 7, 7]; {@link FusedUpdateTest} trains it too. */
    static final String CONV = """
            model ConvHealth {
                input image : f32[B, 2, 9, 9]
                target y : i32[B] classes 3
                conv = conv2d(image, 4, 3, activation = relu)
                pooled = max_pool2d(conv, 2)
                logits = dense(flatten(pooled), 3)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y)
            }
            """;
    private static final int BATCH = 6;
    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(savedThreads);
    }

    static ModelIr model(String source) {
        Compilation c = Compiler.compileSource("health.nabla", source);
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    static ModelClasses compile(ModelIr m, OptimizerSpec o, boolean health) {
        return ModelCompiler.compile(m, o, Set.of(), EmitTarget.inProcess(m.name()).withHealth(health));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<OptimizerSpec> optimizers = List.of(OptimizerSpec.sgd(0.05, 0.9, 0),
                new OptimizerSpec(Kind.ADAMW, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 1e-2),
                new OptimizerSpec(Kind.RMSPROP, 1e-2, 0.5, 0.9, 0.999, 0.99, 1e-8, 1e-3));
        for (String source : List.of(DENSE, CONV)) {
            for (OptimizerSpec o : optimizers) {
                for (boolean vector : new boolean[] {true, false}) {
                    out.add(Arguments.of(source.substring(6, source.indexOf(' ', 6)), source, o, vector));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2} vector={3}")
    @MethodSource("cases")
    void normsAndActivityCounts_equalTheInterpreterAndReferenceOptimizer_onTheSameStep(String name, String source,
                                                                                      OptimizerSpec o, boolean vector) {
        ModelIr m = model(source);
        CompiledModel compiled = Harness.load(compile(m, o, true), vector);
        ModelSpec spec = compiled.spec();
        float[][] b = Harness.randomBuffers(spec, BATCH, 17);
        float[][] before = Harness.copy(b);
        compiled.trainStep(b, BATCH);

        Graph withGrads = Autodiff.gradients(m.train());
        Map<String, Tensor> ref = Interpreter.runAll(withGrads, BATCH, Harness.inputsOf(withGrads, spec, before, BATCH));
        int probes = 0;
        for (int i : spec.indicesOf(BufferRole.HEALTH)) {
            BufferSpec h = spec.buffers().get(i);
            if (h.name().startsWith(GradientHealth.ACTIVE_PREFIX)) {
                // The conv's 7x7 activation is pooled 2x2, which leaves row and column 6 unread: the probe reads it.
                assertArrayEquals(batchMaxima(ref.get(h.of())), b[i], 1e-5f, h.name() + ": each unit's largest value");
                probes++;
            }
        }
        assertEquals(source == DENSE ? 2 : 1, probes, "one probe per ReLU-family activation that feeds a layer");

        float[][] reference = Harness.copy(before);
        for (Graph.Output g : withGrads.outputs(Graph.OutputRole.GRAD)) {
            double[] d = ref.get(g.value().name()).data();
            float[] grad = reference[spec.indexOf("grad:" + g.name())];
            for (int k = 0; k < d.length; k++) {
                grad[k] = (float) d[k];
            }
        }
        float[] hyper = {(float) o.lr(), 1, 1};
        compiled.update(b, hyper);
        Map<String, GradientHealth.Sums> want = ReferenceOptimizer.updateAllMeasured(spec, reference, hyper.clone());
        for (Map.Entry<String, GradientHealth.Sums> e : want.entrySet()) {
            GradientHealth.Sums got = GradientHealth.sums(b[spec.indexOf(GradientHealth.updateName(e.getKey()))]);
            GradientHealth.Sums w = e.getValue();
            assertClose(w.gradNorm(), got.gradNorm(), 1e-4, e.getKey() + " gradient norm");
            assertClose(w.weightNorm(), got.weightNorm(), 1e-6, e.getKey() + " weight norm");
            assertClose(Math.sqrt(w.updateSq()), Math.sqrt(got.updateSq()), 1e-3, e.getKey() + " update norm");
        }
    }

    /** The largest value over the batch of each unit (of each position of a channel, for a rank-4 activation). */
    static float[] batchMaxima(Tensor t) {
        int rows = t.shape()[0];
        int row = t.size() / rows;
        float[] max = new float[row];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < t.size(); k++) {
            max[k % row] = Math.max(max[k % row], (float) t.at(k));
        }
        return max;
    }

    private static void assertClose(double want, double got, double rtol, String what) {
        assertTrue(want > 0, what + " is positive in this test");
        assertEquals(want, got, rtol * want, what);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void theInstrumentedUpdateTrainsExactlyAsThePlainOne(boolean vector) {
        ModelIr m = model(DENSE);
        OptimizerSpec o = new OptimizerSpec(Kind.ADAM, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 1e-3);
        CompiledModel plain = Harness.load(compile(m, o, false), vector);
        CompiledModel measured = Harness.load(compile(m, o, true), vector);
        float[][] p = Harness.randomBuffers(plain.spec(), BATCH, 3);
        float[][] h = Harness.randomBuffers(measured.spec(), BATCH, 3);
        for (int step = 1; step <= 3; step++) {
            plain.trainStep(p, BATCH);
            measured.trainStep(h, BATCH);
            plain.update(p, new float[] {0.01f, step, 1});
            measured.update(h, new float[] {0.01f, step, 1});
        }
        for (int i = 0; i < p.length; i++) {
            BufferSpec s = plain.spec().buffers().get(i);
            if (s.role() != BufferRole.TEMP) {
                assertArrayEquals(p[i], h[measured.spec().indexOf(s.name())], s.name() + ": same bits with and without health");
            }
        }
    }

    @Test
    void withoutHealth_theKernelsAreThePlainOnes_andThereAreNoHealthBuffers() {
        ModelIr m = model(DENSE);
        OptimizerSpec o = OptimizerSpec.sgd(0.05, 0.9, 0);
        ModelClasses off = compile(m, o, false);
        ModelClasses plain = ModelCompiler.compile(m, o);
        assertEquals(plain.listing(), off.listing());
        assertTrue(off.spec().indicesOf(BufferRole.HEALTH).isEmpty());
        ModelClasses on = compile(m, o, true);
        assertEquals(List.of("health:update:wide.W [120]", "health:update:wide.b [3]", "health:update:leaky.W [42]",
                        "health:update:leaky.b [3]", "health:update:logits.W [3]", "health:update:logits.b [3]",
                        "health:active:wide [200]", "health:active:leaky [70]"),
                on.spec().indicesOf(BufferRole.HEALTH).stream()
                        .map(i -> on.spec().buffers().get(i).toString().substring("health ".length())).toList());
        assertEquals(List.of(4, 5), on.spec().indicesOf(BufferRole.HEALTH).stream()
                .filter(i -> on.spec().buffers().get(i).name().startsWith(GradientHealth.ACTIVE_PREFIX))
                .map(i -> on.spec().buffers().get(i).line()).toList(), "each probe carries its layer's model line");
        assertEquals(UpdateStats.size(40_000), 120);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void theBlockedUpdateIsSplitOverThreads_andGivesTheSameSumsAsOneThread(boolean vector) {
        ModelIr m = model(DENSE);
        OptimizerSpec o = OptimizerSpec.sgd(0.05, 0.9, 0);
        ModelClasses mc = compile(m, o, true);
        Program update = mc.program("update");
        Kernel wide = update.kernels().stream().filter(k -> k.name().equals("update_wide_W")).findFirst().orElseThrow();
        int blocked = 0;
        while (!(wide.body().get(blocked) instanceof Stmt.For f && f.var().name().equals("block"))) {
            blocked++;
        }
        assertTrue(ParallelLoop.qualifies(wide.body(), blocked), "the blocks of wide.W run split over threads");
        CompiledModel compiled = Harness.load(mc, vector);
        float[][] one = Harness.randomBuffers(compiled.spec(), BATCH, 5);
        float[][] two = Harness.copy(one);
        Gemm.setThreads(1);
        compiled.trainStep(one, BATCH);
        compiled.update(one, new float[] {0.05f, 1, 1});
        Gemm.setThreads(2);
        compiled.trainStep(two, BATCH);
        compiled.update(two, new float[] {0.05f, 1, 1});
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], compiled.spec().buffers().get(i).name());
        }
    }
}
