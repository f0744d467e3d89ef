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
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.kernels.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activations of std.nabla (leaky_relu, elu, gelu, softplus, silu): PyTorch's values; derivatives at hand-picked
 * points (0, where PyTorch's conventions decide, and +-1000, where a careless composition overflows into NaN); the
 * same numbers compiled in both families; finite differences inside a dense layer.
 */
class ActivationsTest {

    /** y = act(x + p) and loss = sum(act(p)), so the loss gradient of p is act' at the points put in p. */
    private static final String MODEL = """
            model Act {
                input x : f32[B, 8]
                param p : [8] = zeros
                output y = %s(x + p)
                loss = sum(%s(p))
            }
            """;
    private static final double[] POINTS = {-1000, -3, -1, -1e-4, 0, 0.5, 1, 1000};

    private static ModelIr compile(String source) {
        Compilation c = Compiler.compileSource("act.nabla", source);
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    private static ModelIr model(String act) {
        return compile(MODEL.formatted(act, act));
    }

    /** act(v) by the interpreter, one value at a time in the batch. */
    private static double[] forward(String act, double... v) {
        ModelIr m = model(act);
        Map<String, Tensor> in = Map.of("x", new Tensor(new int[] {v.length, 8}, spread(v)), "p", Tensor.zeros(8));
        double[] y = Interpreter.run(m.inference(), v.length, in).get("y").data();
        double[] first = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            first[i] = y[i * 8];
        }
        return first;
    }

    private static double[] spread(double[] v) {
        double[] d = new double[v.length * 8];
        for (int i = 0; i < d.length; i++) {
            d[i] = v[i / 8];
        }
        return d;
    }

    private static void assertClose(double[] want, double[] got, double rtol, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12 + rtol * Math.abs(want[i]), what + "[" + i + "]");
        }
    }

    @Test
    void values_matchPyTorch() {
        // torch.nn.functional on float32 tensors of these points, to float precision
        assertClose(new double[] {0.8413447, -0.15865526, 0.34573123, -0.0040496942}, forward("gelu", 1, -1, 0.5, -3),
                1e-7, "gelu");
        assertClose(new double[] {0.7310586, -0.23840584}, forward("silu", 1, -2), 1e-7, "silu");
        assertClose(new double[] {1.3132616, 0.6931472, 2.0611537e-9, 30}, forward("softplus", 1, 0, -20, 30),
                1e-7, "softplus");
        assertClose(new double[] {-0.63212055, 2, -9.9995e-5}, forward("elu", -1, 2, -1e-4), 1e-7, "elu");
        assertClose(new double[] {-0.02, 3, 0}, forward("leaky_relu", -2, 3, 0), 1e-12, "leaky_relu");
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The derivative of each activation, PyTorch's at 0 (its backward formulas). */
    private static final Map<String, DoubleUnaryOperator> DERIVATIVE = Map.of(
            "leaky_relu", x -> x > 0 ? 1 : 0.01,
            "elu", x -> x > 0 ? 1 : Math.exp(x),
            "gelu", x -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI),
            "softplus", ActivationsTest::sigmoid,
            "silu", x -> sigmoid(x) * (1 + x * (1 - sigmoid(x))));

    @ParameterizedTest
    @ValueSource(strings = {"leaky_relu", "elu", "gelu", "softplus", "silu"})
    void derivative_isPyTorchsAtZero_andFiniteFarOut(String act) {
        Graph train = Autodiff.gradients(model(act).train());
        Map<String, Tensor> in = Map.of("x", Tensor.zeros(1, 8), "p", new Tensor(new int[] {8}, POINTS.clone()));
        double[] grad = Interpreter.run(train, 1, in).get("p").data();
        double[] want = new double[POINTS.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = DERIVATIVE.get(act).applyAsDouble(POINTS[i]);
        }
        assertClose(want, grad, 1e-12, act + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"leaky_relu", "elu", "gelu", "softplus", "silu"})
    void compiled_matchesInterpreter_inBothFamilies_atTheHandPoints(String act) {
        ModelIr model = model(act);
        Graph train = Autodiff.gradients(model.train());
        ModelClasses mc = ModelCompiler.compile(model, model.config().optimizer(), train);
        Harness.assertClassesVerify(mc);
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            for (int batch : new int[] {1, 13}) {
                float[][] b = Harness.randomBuffers(m.spec(), 13, batch);
                float[] p = b[m.spec().indexOf("p")];
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) POINTS[i];
                }
                m.trainStep(b, batch);
                for (float g : b[m.spec().indexOf("grad:p")]) {
                    assertFalse(Float.isNaN(g), act + " gradient NaN, vector=" + vector);
                }
                Harness.assertOutputsMatch(train, m.spec(), b, batch, 1e-5, 1e-5);
                m.predict(b, batch);
                Harness.assertOutputsMatch(model.inference(), m.spec(), b, batch, 1e-5, 1e-5);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"leaky_relu", "elu", "gelu", "softplus", "silu"})
    void asADenseActivation_gradientsMatchFiniteDifferences_andCompiledMatchesInterpreter(String act) {
        ModelIr m = compile("""
                model M {
                    input x : f32[B, 3]
                    target t : f32[B, 2]
                    hidden = dense(x, 40, activation = %s)
                    pred = dense(hidden, 2)
                    output o = pred
                    loss = mse(pred, t)
                }
                """.formatted(act));
        List<GradCheck.Result> results = GradCheck.check(m, 11, 1e-4, 3);
        assertEquals(4, results.size());
        results.forEach(r -> assertTrue(r.ok(), act + ": " + r));
        // as a matrix product's epilogue, which the vector family fuses
        Graph train = Autodiff.gradients(m.train());
        ModelClasses mc = ModelCompiler.compile(m, m.config().optimizer(), train);
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel cm = Harness.load(mc, vector);
            for (int batch : new int[] {1, 40}) {
                float[][] b = Harness.randomBuffers(cm.spec(), 40, batch);
                cm.trainStep(b, batch);
                Harness.assertOutputsMatch(train, cm.spec(), b, batch, 1e-5, 1e-4);
            }
        }
    }

    @Test
    void activationsArgument_ofDenseAndConv2d_acceptsTheNewActivations() {
        ModelIr m = compile("""
                model M {
                    input img : f32[B, 1, 6, 6]
                    c = conv2d(img, 2, 3, activation = gelu)
                    d = dense(flatten(c), 5, activation = elu)
                    output o = dense(d, 3, activation = softplus)
                }
                """);
        Map<Op, Integer> count = new HashMap<>();
        for (Instr i : m.inference().body()) {
            count.merge(i.op(), 1, Integer::sum);
        }
        assertEquals(1, count.get(Op.ERF), "gelu after conv2d");
        assertEquals(1, count.get(Op.EXPM1), "elu after the first dense");
        assertEquals(1, count.get(Op.LOG1P), "softplus after the second dense");
    }
}
