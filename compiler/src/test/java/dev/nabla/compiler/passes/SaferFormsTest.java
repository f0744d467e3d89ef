package dev.nabla.compiler.passes;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each naive form, compiled, on inputs where it overflows or gives -inf or NaN in float: with the safer-forms pass
 * the result is finite and right; with the pass switched off it is not, so the test would catch a rule that stopped
 * applying.
 */
class SaferFormsTest {

    private static final float[] X = {-200f, -50f, 0f, 50f, 200f};

    private static float[] run(String expr, boolean passes) {
        Compilation c = Compiler.compileSource("safe.nabla", """
                model Safe {
                    input x : f32[B, 5]
                    output y = %s
                }
                """.formatted(expr));
        assertTrue(c.ok(), c.render());
        ModelIr m = c.model(null);
        CompiledModel model = ModelCompiler.compile(m, OptimizerSpec.sgd(0.1, 0, 0),
                passes ? Set.of() : Set.of("safer-forms")).load();
        float[][] b = model.spec().allocate(1);
        System.arraycopy(X, 0, b[model.spec().indexOf("x")], 0, X.length);
        model.predict(b, 1);
        float[] y = new float[X.length];
        System.arraycopy(b[model.spec().indexOf("y")], 0, y, 0, y.length);
        return y;
    }

    /** What each expression is, in double precision, from X. */
    private static double exact(String form, int i) {
        double x = X[i];
        return switch (form) {
            case "logOfSoftmax" -> {
                double max = 200;
                double sum = 0;
                for (float v : X) {
                    sum += Math.exp(v - max);
                }
                yield x - max - Math.log(sum);
            }
            case "logOfSigmoid" -> -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
            default -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        };
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            "logOfSoftmax; log(softmax(x))",
            "logOfSigmoid; log(sigmoid(x))",
            "logOfOnePlusExp; log(1 + exp(x))",
            "logOfOnePlusExp; log1p(exp(x))"})
    void naiveFormIsRewritten_andFiniteWhereItOverflows(String form, String expr) {
        float[] safe = run(expr, true);
        float[] naive = run(expr, false);
        boolean naiveBroke = false;
        for (int i = 0; i < X.length; i++) {
            assertTrue(Float.isFinite(safe[i]), expr + " at " + X[i] + " = " + safe[i]);
            assertEquals(exact(form, i), safe[i], 1e-4 * Math.max(1, Math.abs(exact(form, i))), expr + " at " + X[i]);
            naiveBroke |= !Float.isFinite(naive[i]);
        }
        assertTrue(naiveBroke, "the naive " + expr + " should overflow somewhere on these inputs");
        assertFalse(java.util.Arrays.equals(safe, naive));
    }
}
