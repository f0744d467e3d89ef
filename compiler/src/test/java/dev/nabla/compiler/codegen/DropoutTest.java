package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.autodiff.GradCheck;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Index;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dropout and gaussian_dropout compiled: the kept fraction, the survivors' scale and the noise's moments lie within
 * statistical bounds; inference is the identity; masks are a function of seed and step only (the same at 1 and 2
 * threads, in both kernel families and in the interpreter; new every step; repeated when the step state is); two
 * dropouts of one value draw different masks; the backward pass reuses the forward mask.
 */
class DropoutTest {

    private static final int WIDTH = 1024;
    private static final int BATCH = 64;

    private static final String MODEL = """
            model Drop {
                input x : f32[B, %d]
                target t : f32[B, %d]
                output y = %s(x, %s)
                loss = mean(y * t)
            }
            """;

    private static ModelIr compile(String source) {
        Compilation c = Compiler.compileSource("drop.nabla", source);
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    private static ModelIr model(String layer, double rate) {
        return compile(MODEL.formatted(WIDTH, WIDTH, layer, rate));
    }

    /** Buffers initialized from {@code seed}, x all ones (so y is the mask) and t all ones. */
    private static float[][] buffers(CompiledModel m, long seed) {
        ModelSpec spec = m.spec();
        float[][] b = spec.allocate(BATCH);
        Initializer.initialize(spec, b, seed);
        Arrays.fill(b[spec.indexOf("x")], 1f);
        Arrays.fill(b[spec.indexOf("t")], 1f);
        return b;
    }

    private static float[] trainOutput(CompiledModel m, float[][] b) {
        m.trainStep(b, BATCH);
        return Arrays.copyOf(b[m.spec().indexOf("y")], BATCH * WIDTH);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dropout_keepsAboutOneMinusRate_andScalesSurvivorsByItsInverse(boolean vector) {
        double rate = 0.3;
        CompiledModel m = Harness.load(ModelCompiler.compile(model("dropout", rate), OptimizerSpec.sgd(0.1, 0, 0)), vector);
        float[] y = trainOutput(m, buffers(m, 7));
        int n = y.length;
        int kept = 0;
        for (float v : y) {
            if (v != 0) {
                assertEquals((float) (1 / (1 - rate)), v, "a survivor is scaled by exactly 1/(1 - rate)");
                kept++;
            }
        }
        // kept ~ Binomial(n, 0.7): within 5 standard deviations
        double sd = Math.sqrt(n * rate * (1 - rate));
        assertEquals(n * (1 - rate), kept, 5 * sd, "kept " + kept + " of " + n);
        // so the mean is 1 within the same bound, scaled
        double mean = Arrays.stream(toDouble(y)).average().orElseThrow();
        assertEquals(1.0, mean, 5 * sd / n / (1 - rate));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void gaussianDropout_multipliesByNoiseOfMeanOneAndVarianceRateOverOneMinusRate(boolean vector) {
        double rate = 0.2;
        CompiledModel m = Harness.load(ModelCompiler.compile(model("gaussian_dropout", rate),
                OptimizerSpec.sgd(0.1, 0, 0)), vector);
        double[] y = toDouble(trainOutput(m, buffers(m, 3)));
        int n = y.length;
        double mean = Arrays.stream(y).average().orElseThrow();
        double variance = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        double want = rate / (1 - rate);
        assertEquals(1.0, mean, 5 * Math.sqrt(want / n));
        // the sample variance of n normals has standard deviation want * sqrt(2 / (n - 1))
        assertEquals(want, variance, 5 * want * Math.sqrt(2.0 / (n - 1)));
        assertEquals(0.0, Arrays.stream(y).filter(v -> v == 1.0).count(), 5, "noise is continuous, not a mask");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dropout", "gaussian_dropout"})
    void inference_isTheIdentity_andDrawsNothing(String layer) {
        ModelIr model = model(layer, 0.4);
        for (Instr i : model.inference().body()) {
            assertFalse(i.op().random(), "inference graph draws: " + i);
        }
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)), vector);
            float[][] b = Harness.randomBuffers(m.spec(), BATCH, 5);
            m.predict(b, BATCH);
            int x = m.spec().indexOf("x");
            assertArrayEquals(Arrays.copyOf(b[x], BATCH * WIDTH), Arrays.copyOf(b[m.spec().indexOf("y")], BATCH * WIDTH));
        }
    }

    @Test
    void masks_dependOnSeedAndStepOnly_notOnThreadsOrKernelFamily_andMatchTheInterpreter() {
        ModelIr model = model("dropout", 0.5);
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        int saved = Gemm.threads();
        Map<String, float[]> masks = new HashMap<>();
        try {
            for (int threads : new int[] {1, 2}) {
                Gemm.setThreads(threads);
                for (boolean vector : new boolean[] {true, false}) {
                    CompiledModel m = Harness.load(mc, vector);
                    masks.put(threads + " threads, vector=" + vector, trainOutput(m, buffers(m, 11)));
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
        float[] first = masks.values().iterator().next();
        masks.forEach((what, mask) -> assertArrayEquals(first, mask, what));

        CompiledModel m = Harness.load(mc, true);
        float[][] b = buffers(m, 11);
        Map<String, Tensor> inputs = Harness.inputsOf(model.train(), m.spec(), b, BATCH);
        double[] reference = Interpreter.run(model.train(), BATCH, inputs).get("y").data();
        assertArrayEquals(reference, toDouble(first), 0, "interpreter and compiled code draw the same floats");
    }

    @Test
    void everyStepDrawsANewMask_andRepeatingTheStepStateRepeatsIt() {
        CompiledModel m = Harness.load(ModelCompiler.compile(model("dropout", 0.5), OptimizerSpec.sgd(0.1, 0, 0)), true);
        float[][] b = buffers(m, 1);
        int step = m.spec().indexOf("random.step");
        float[] first = trainOutput(m, b);
        assertEquals(1f, b[step][0], "trainStep advances the step state");
        float[] second = trainOutput(m, b);
        assertFalse(Arrays.equals(first, second), "step 2 draws a new mask");
        b[step][0] = 1;
        assertArrayEquals(second, trainOutput(m, b), "resuming at step 1 (a checkpoint's state) repeats step 2's mask");
        float[][] otherSeed = buffers(m, 2);
        assertFalse(Arrays.equals(first, trainOutput(m, otherSeed)), "another seed draws another mask");
        assertArrayEquals(first, trainOutput(m, buffers(m, 1)), "the same seed draws the same mask");
    }

    @Test
    void twoDropoutsOfOneValue_drawDifferentMasks_andTheBackwardPassReusesEach() {
        ModelIr model = compile("""
                model Two {
                    input x : f32[B, 256]
                    target t : f32[B, 256]
                    output a = dropout(x, 0.5)
                    output b = dropout(x, 0.5)
                    loss = mean(a * t + b * t * t)
                }
                """);
        Graph train = Autodiff.gradients(model.train());
        List<Instr> draws = train.body().stream().filter(i -> i.op().random()).toList();
        assertEquals(2, draws.size(), "one draw per dropout call, none added by differentiation: " + draws);
        assertFalse(draws.get(0).attr().equals(draws.get(1).attr()), "each call has its own stream");
        CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)), true);
        float[][] b = m.spec().allocate(8);
        Initializer.initialize(m.spec(), b, 5);
        Arrays.fill(b[m.spec().indexOf("x")], 1f);
        m.trainStep(b, 8);
        float[] a = Arrays.copyOf(b[m.spec().indexOf("a")], 8 * 256);
        float[] second = Arrays.copyOf(b[m.spec().indexOf("b")], 8 * 256);
        assertFalse(Arrays.equals(a, second), "two dropouts of the same value drew the same mask");
    }

    @Test
    void gradientsThroughDropout_matchFiniteDifferences_withTheMaskHeldByTheKey() {
        ModelIr model = compile("""
                model G {
                    input x : f32[B, 6]
                    target t : f32[B, 3]
                    h = dropout(tanh(dense(x, 5)), 0.4)
                    pred = dense(gaussian_dropout(h, 0.3), 3)
                    output o = pred
                    loss = mse(pred, t)
                }
                """);
        List<GradCheck.Result> results = GradCheck.check(model, 9, 1e-5, 4);
        assertEquals(4, results.size());
        results.forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    /**
     * The vector emitter computes loop-invariant subexpressions once and broadcasts them; a draw is never one, even
     * when its index does not involve the loop's variable (an element of a tensor with a size-1 axis).
     */
    @Test
    void theLoopInvariantHoister_neverTakesADraw() {
        LoopVar v = new LoopVar("i1");
        Buf seed = new Buf(0, "random.seed");
        Buf step = new Buf(1, "random.step");
        Expr draw = new Expr.Random(Op.RANDOM_UNIFORM, new Expr.Load(seed, Index.ZERO), new Expr.Load(step, Index.ZERO), 0,
                Index.of(new LoopVar("i0")));
        assertFalse(Vectorizable.invariant(draw, v, Set.of()));
        assertTrue(Vectorizable.invariant(new Expr.Load(seed, Index.ZERO), v, Set.of()), "a load of the key alone is");
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
