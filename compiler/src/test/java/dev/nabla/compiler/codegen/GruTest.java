package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.GradCheck;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * std.nabla's gru against PyTorch's nn.GRU equations computed here by hand (gate order r, z, n; b_hn inside r's
 * product), the last state and every step's, interpreted and compiled in both families; its parameters are named and
 * shaped as torch's; gradients through time match finite differences over random sizes.
 */
class GruTest {

    private static final int B = 2;
    private static final int T = 3;
    private static final int F = 2;
    private static final int H = 2;

    private static ModelIr compile(String source) {
        Compilation c = Compiler.compileSource("gru.nabla", source);
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    private static final String TINY = """
            model Tiny {
                input x : f32[B, %d, %d]
                target t : f32[B, %d]
                h = gru(x, %d, return_sequences = %s)
                output y = h
                loss = mean(h * h)
            }
            """;

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** Every step's hidden state, [B][T][H], from the equations of torch.nn.GRU's documentation. */
    private static double[][][] byHand(double[][][] x, double[][] wih, double[][] whh, double[] bih, double[] bhh) {
        double[][][] out = new double[B][T][H];
        for (int b = 0; b < B; b++) {
            double[] h = new double[H];
            for (int t = 0; t < T; t++) {
                double[] gi = new double[3 * H];
                double[] gh = new double[3 * H];
                for (int r = 0; r < 3 * H; r++) {
                    gi[r] = bih[r];
                    gh[r] = bhh[r];
                    for (int f = 0; f < F; f++) {
                        gi[r] += wih[r][f] * x[b][t][f];
                    }
                    for (int k = 0; k < H; k++) {
                        gh[r] += whh[r][k] * h[k];
                    }
                }
                double[] next = new double[H];
                for (int j = 0; j < H; j++) {
                    double reset = sigmoid(gi[j] + gh[j]);
                    double update = sigmoid(gi[H + j] + gh[H + j]);
                    double candidate = Math.tanh(gi[2 * H + j] + reset * gh[2 * H + j]);
                    next[j] = (1 - update) * candidate + update * h[j];
                }
                h = next;
                out[b][t] = next.clone();
            }
        }
        return out;
    }

    private static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @Test
    void lastStateAndSequences_matchTheEquationsComputedByHand_interpretedAndCompiled() {
        Random rnd = new Random(4);
        double[][][] x = new double[B][T][F];
        double[][] wih = new double[3 * H][F];
        double[][] whh = new double[3 * H][H];
        double[] bih = new double[3 * H];
        double[] bhh = new double[3 * H];
        for (double[][] row : x) {
            for (double[] v : row) {
                fill(v, rnd);
            }
        }
        for (double[] v : wih) {
            fill(v, rnd);
        }
        for (double[] v : whh) {
            fill(v, rnd);
        }
        fill(bih, rnd);
        fill(bhh, rnd);
        double[][][] want = byHand(x, wih, whh, bih, bhh);
        double[] xs = java.util.Arrays.stream(x).flatMap(java.util.Arrays::stream).flatMapToDouble(java.util.Arrays::stream).toArray();
        Map<String, double[]> params = Map.of("h.weight_ih", flat(wih), "h.weight_hh", flat(whh), "h.bias_ih", bih,
                "h.bias_hh", bhh);
        for (boolean sequences : new boolean[] {false, true}) {
            ModelIr model = compile(TINY.formatted(T, F, H, H, sequences));
            Map<String, int[]> shapes = Map.of("h.weight_ih", new int[] {3 * H, F}, "h.weight_hh", new int[] {3 * H, H},
                    "h.bias_ih", new int[] {3 * H}, "h.bias_hh", new int[] {3 * H});
            for (Graph.Input in : model.inference().inputs(Graph.InputRole.PARAM)) {
                assertTrue(shapes.containsKey(in.value().name()), "torch's parameter names: " + in.value());
                assertEquals(java.util.Arrays.toString(shapes.get(in.value().name())),
                        java.util.Arrays.toString(in.value().shape().concrete(1)), "torch's shape of " + in.value().name());
            }
            double[] expected = new double[B * (sequences ? T : 1) * H];
            int k = 0;
            for (int b = 0; b < B; b++) {
                for (int t = sequences ? 0 : T - 1; t < T; t++) {
                    for (int j = 0; j < H; j++) {
                        expected[k++] = want[b][t][j];
                    }
                }
            }
            Map<String, Tensor> feed = new HashMap<>();
            feed.put("x", new Tensor(new int[] {B, T, F}, xs));
            params.forEach((name, v) -> feed.put(name, new Tensor(shapes.get(name), v)));
            double[] interpreted = Interpreter.run(model.inference(), B, feed).get("y").data();
            assertClose(expected, interpreted, 1e-12, "interpreted, sequences=" + sequences);
            for (boolean vector : new boolean[] {true, false}) {
                CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)), vector);
                ModelSpec spec = m.spec();
                float[][] buf = spec.allocate(B);
                copy(xs, buf[spec.indexOf("x")]);
                params.forEach((name, v) -> copy(v, buf[spec.indexOf(name)]));
                m.predict(buf, B);
                double[] compiled = new double[expected.length];
                for (int i = 0; i < compiled.length; i++) {
                    compiled[i] = buf[spec.indexOf("y")][i];
                }
                assertClose(expected, compiled, 1e-5, "compiled vector=" + vector + ", sequences=" + sequences);
            }
        }
    }

    /** Random sequence lengths, widths and batch sizes; a loss reading every step's state and the last one. */
    @Property(tries = 12)
    void gradientsThroughTime_matchFiniteDifferences(@ForAll @IntRange(min = 1, max = 5) int steps,
                                                    @ForAll @IntRange(min = 1, max = 3) int features,
                                                    @ForAll @IntRange(min = 1, max = 4) int units,
                                                    @ForAll @IntRange(min = 1, max = 3) int batch,
                                                    @ForAll long seed) {
        ModelIr model = compile("""
                model Through {
                    input x : f32[B, %d, %d]
                    target t : f32[B, %d]
                    all = gru(x, %d, return_sequences = true)
                    last = gru(all, %d)
                    output y = last
                    loss = mse(last, t) + mean(all * all)
                }
                """.formatted(steps, features, units, units, units));
        List<GradCheck.Result> results = GradCheck.check(model, seed, 1e-5, batch);
        assertEquals(8, results.size());
        results.forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    private static void fill(double[] v, Random rnd) {
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
    }

    private static void copy(double[] from, float[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = (float) from[i];
        }
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " [" + i + "]");
        }
    }
}
