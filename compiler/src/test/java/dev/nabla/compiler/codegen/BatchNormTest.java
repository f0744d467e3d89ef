package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.autodiff.GradCheck;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * std.nabla's batch_norm, PyTorch's BatchNorm1d/2d: gradients of the training graph against finite differences; one
 * training step moves the running statistics as torch does (unbiased variance), in the interpreter and compiled in
 * both families; inference normalizes with the running statistics, so a batch of one gives per-row results; state
 * has no gradient, survives the optimizer and a checkpoint round trip.
 */
class BatchNormTest {

    /** Features of [B, 3]; y = batch_norm(x) directly, so the expected numbers are computed by hand below. */
    private static final String FEATURES = """
            model Bn1 {
                input x : f32[B, 3]
                target t : f32[B, 3]
                output y = batch_norm(x, momentum = %s)
                loss = mse(y, t)
            }
            """;

    private static final String CHANNELS = """
            model Bn2 {
                input img : f32[B, 2, 2, 3]
                target t : f32[B, 2, 2, 3]
                output y = batch_norm(img)
                loss = mse(y, t)
            }
            """;

    private static ModelIr compile(String source) {
        Compilation c = Compiler.compileSource("bn.nabla", source);
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    @Test
    void trainingGradients_matchFiniteDifferences_overFeaturesAndChannels() {
        ModelIr features = compile("""
                model F {
                    input x : f32[B, 4]
                    target t : f32[B, 3]
                    h = dense(x, 5)
                    bn = batch_norm(h)
                    pred = dense(tanh(bn), 3)
                    output o = pred
                    loss = mse(pred, t)
                }
                """);
        ModelIr channels = compile("""
                model C {
                    input img : f32[B, 2, 3, 3]
                    target t : f32[B, 2, 3, 3]
                    param p : [2, 3, 3] = normal(1.0)
                    bn = batch_norm(img * p + p * p)
                    output o = bn
                    loss = mse(tanh(bn) * bn, t)
                }
                """);
        for (ModelIr m : List.of(features, channels)) {
            List<GradCheck.Result> results = GradCheck.check(m, 5, 1e-5, 4);
            assertEquals(m.train().inputs(Graph.InputRole.PARAM).size(), results.size());
            results.forEach(r -> assertTrue(r.ok(), m.name() + ": " + r));
        }
    }

    @Test
    void stateHasNoGradient_evenWhenTheLossReadsIt() {
        ModelIr m = compile("""
                model S {
                    input x : f32[B, 3]
                    param w : [3] = ones
                    state s : [3] = ones
                    update s = s * 0.5 + mean(x * w, axis = 0)
                    loss = mean(x * w * s)
                    output o = x * w
                }
                """);
        Graph g = Autodiff.gradients(m.train());
        assertEquals(List.of("w"), g.outputs(Graph.OutputRole.GRAD).stream().map(Graph.Output::name).toList());
        assertEquals(List.of("s"), g.outputs(Graph.OutputRole.STATE_UPDATE).stream().map(Graph.Output::name).toList());
        assertTrue(m.inference().outputs(Graph.OutputRole.STATE_UPDATE).isEmpty(), "inference never updates state");
    }

    // rows of x: per feature the mean, the biased and the unbiased variance are easy to check by hand
    private static final double[][] ROWS = {{1, -2, 0.5}, {3, 0, 0.5}, {2, 4, 1.5}, {6, -2, 2.5}};

    private static double[] column(int j) {
        double[] c = new double[ROWS.length];
        for (int i = 0; i < ROWS.length; i++) {
            c[i] = ROWS[i][j];
        }
        return c;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sumSquares(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5})
    void oneTrainStep_movesTheRunningStatistics_asTorch_interpretedAndCompiled(double momentum) {
        ModelIr model = compile(FEATURES.formatted(momentum));
        int n = ROWS.length;
        double[] wantMean = new double[3];
        double[] wantVar = new double[3];
        double[][] wantY = new double[n][3];
        for (int j = 0; j < 3; j++) {
            double[] c = column(j);
            wantMean[j] = (1 - momentum) * 0 + momentum * mean(c);
            wantVar[j] = (1 - momentum) * 1 + momentum * sumSquares(c) / (n - 1);
            for (int i = 0; i < n; i++) {
                wantY[i][j] = (c[i] - mean(c)) / Math.sqrt(sumSquares(c) / n + 1e-5);
            }
        }
        double[] x = new double[n * 3];
        for (int i = 0; i < n * 3; i++) {
            x[i] = ROWS[i / 3][i % 3];
        }
        Map<String, Tensor> feed = Map.of("x", new Tensor(new int[] {n, 3}, x), "t", Tensor.zeros(n, 3),
                "y.W", new Tensor(new int[] {3}, new double[] {1, 1, 1}), "y.b", Tensor.zeros(3),
                "y.running_mean", Tensor.zeros(3), "y.running_var", new Tensor(new int[] {3}, new double[] {1, 1, 1}));
        Map<String, Tensor> ref = Interpreter.run(model.train(), n, feed);
        assertClose(wantMean, ref.get("y.running_mean").data(), 1e-12, "interpreted running_mean");
        assertClose(wantVar, ref.get("y.running_var").data(), 1e-12, "interpreted running_var");

        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            ModelSpec spec = m.spec();
            float[][] b = spec.allocate(n);
            fill(b[spec.indexOf("x")], x);
            fill(b[spec.indexOf("y.W")], new double[] {1, 1, 1});
            fill(b[spec.indexOf("y.running_var")], new double[] {1, 1, 1});
            m.trainStep(b, n);
            assertClose(wantMean, toDouble(b[spec.indexOf("y.running_mean")]), 1e-6, "running_mean vector=" + vector);
            assertClose(wantVar, toDouble(b[spec.indexOf("y.running_var")]), 1e-5, "running_var vector=" + vector);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(wantY[i][j], b[spec.indexOf("y")][i * 3 + j], 1e-5, "y[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void channels_oneTrainStep_compiledMatchesInterpreter_andUsesTheUnbiasedVarianceOfBHW() {
        ModelIr model = compile(CHANNELS);
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        Harness.assertClassesVerify(mc);
        Graph train = Autodiff.gradients(model.train());
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            int batch = 3;
            float[][] b = Harness.randomBuffers(m.spec(), batch, 11);
            float[][] before = Harness.copy(b);
            m.trainStep(b, batch);
            Harness.assertOutputsMatch(train, m.spec(), before, b, batch, 1e-5, 1e-5);
            // channel 0 by hand: B*H*W = 18 values
            float[] img = before[m.spec().indexOf("img")];
            double[] c0 = new double[batch * 6];
            for (int k = 0; k < c0.length; k++) {
                c0[k] = img[(k / 6) * 12 + k % 6];
            }
            double rv = before[m.spec().indexOf("y.running_var")][0];
            assertEquals(0.9 * rv + 0.1 * sumSquares(c0) / 17, b[m.spec().indexOf("y.running_var")][0], 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"features", "channels"})
    void inference_usesTheRunningStatistics_soABatchOfOneGivesPerRowResults(String kind) {
        ModelIr model = compile(kind.equals("features") ? FEATURES.formatted(0.1) : CHANNELS);
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            ModelSpec spec = m.spec();
            float[][] b = Harness.randomBuffers(spec, 2, 3);
            float[] rv = b[spec.indexOf("y.running_var")];
            for (int i = 0; i < rv.length; i++) {
                rv[i] = 0.5f + i;
            }
            int in = spec.indexOf(kind.equals("features") ? "x" : "img");
            int row = b[in].length / 2;
            float[][] rows = new float[2][];
            for (int r = 0; r < 2; r++) {
                float[][] one = Harness.copy(b);
                System.arraycopy(b[in], r * row, one[in], 0, row);
                m.predict(one, 1);
                Harness.assertOutputsMatch(model.inference(), spec, one, 1, 1e-5, 1e-5);
                rows[r] = java.util.Arrays.copyOf(one[spec.indexOf("y")], row);
                // by hand: (x - running_mean) / sqrt(running_var + eps) * W + b, per channel
                int perChannel = kind.equals("features") ? 1 : 6;
                for (int k = 0; k < row; k++) {
                    int ch = k / perChannel;
                    double want = (one[in][k] - b[spec.indexOf("y.running_mean")][ch])
                            / Math.sqrt(rv[ch] + 1e-5) * b[spec.indexOf("y.W")][ch] + b[spec.indexOf("y.b")][ch];
                    assertEquals(want, rows[r][k], 1e-5, kind + " row " + r + "[" + k + "] vector=" + vector);
                }
            }
            assertNotEquals(java.util.Arrays.toString(rows[0]), java.util.Arrays.toString(rows[1]),
                    "two different rows, each alone in its batch");
        }
    }

    @Test
    void evaluate_isTheInferenceGraphWithTheLoss_soEachRowsLossIsItsOwn() {
        ModelIr model = compile(CHANNELS);
        assertTrue(model.evaluation().inputs(Graph.InputRole.TARGET).size() == 1, model.evaluation().toString());
        assertTrue(model.evaluation().outputs(Graph.OutputRole.STATE_UPDATE).isEmpty());
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            ModelSpec spec = m.spec();
            float[][] b = Harness.randomBuffers(spec, 2, 17);
            float[][] before = Harness.copy(b);
            m.evaluate(b, 2);
            Harness.assertOutputsMatch(model.evaluation(), spec, before, b, 2, 1e-5, 1e-5);
            for (int s : spec.indicesOf(BufferRole.STATE)) {
                assertArrayEquals(before[s], b[s], "evaluate leaves state alone");
            }
            double both = b[spec.indexOf("loss")][0];
            double sum = 0;
            int row = 12;
            for (int r = 0; r < 2; r++) {
                float[][] one = Harness.copy(before);
                System.arraycopy(before[spec.indexOf("img")], r * row, one[spec.indexOf("img")], 0, row);
                System.arraycopy(before[spec.indexOf("t")], r * row, one[spec.indexOf("t")], 0, row);
                m.evaluate(one, 1);
                sum += one[spec.indexOf("loss")][0];
            }
            assertEquals(both, sum / 2, 1e-5, "the mean of the rows' losses, each alone: vector=" + vector);
        }
    }

    @Test
    void state_hasNoGradBuffer_isLeftAloneByTheOptimizer_andRoundTripsThroughACheckpoint(@TempDir Path dir) {
        ModelIr model = compile(CHANNELS);
        CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0.9, 0.01)), true);
        ModelSpec spec = m.spec();
        List<String> state = spec.buffers().stream().filter(s -> s.role() == BufferRole.STATE)
                .map(dev.nabla.runtime.BufferSpec::name).toList();
        assertEquals(List.of("y.running_mean", "y.running_var"), state);
        state.forEach(s -> assertTrue(spec.buffers().stream().noneMatch(x -> x.name().equals("grad:" + s)), s));
        float[][] b = Harness.randomBuffers(spec, 3, 2);
        m.trainStep(b, 3);
        float[][] afterStep = Harness.copy(b);
        m.update(b, new float[] {0.1f, 1, 1});
        for (String s : state) {
            assertArrayEquals(afterStep[spec.indexOf(s)], b[spec.indexOf(s)], s + " untouched by update");
        }
        assertNotEquals(afterStep[spec.indexOf("y.W")][0], b[spec.indexOf("y.W")][0], "gamma is trained");

        Path file = dir.resolve("bn.safetensors");
        Checkpoint.save(file, spec, b, Map.of());
        float[][] loaded = spec.allocate(3);
        Checkpoint.load(file, spec, loaded);
        for (String s : List.of("y.running_mean", "y.running_var", "y.W", "y.b")) {
            assertArrayEquals(b[spec.indexOf(s)], loaded[spec.indexOf(s)], s);
        }
    }

    private static void fill(float[] to, double[] from) {
        for (int i = 0; i < from.length; i++) {
            to[i] = (float) from[i];
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + "[" + i + "]");
        }
    }
}
