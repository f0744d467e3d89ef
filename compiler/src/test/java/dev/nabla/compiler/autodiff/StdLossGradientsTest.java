package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The losses and regularizers are composites written in Nabla (std.nabla and the regularizer sets); their
 * gradients come from the op rules. Each one, compiled from source, passes the gradient check.
 */
class StdLossGradientsTest {

    private static final String MODEL = """
            model M {
                input x : f32[B, 3]
                target t : f32[B, 2]
                target y : i32[B] classes 2
                hidden = dense(x, 4, activation = tanh)
                pred = dense(hidden, 2)
                output p = pred
                loss = %s
            }
            """;

    @ParameterizedTest
    @ValueSource(strings = {
        "mse(pred, t)",
        "mae(pred, t)",
        "huber(pred, t, delta = 0.5)",
        "binary_cross_entropy(pred, t)",
        "cross_entropy(pred, y)",
        "hinge(pred, y)",
        "binary_hinge(pred, t)",
        "mse(pred, t) + l1(weights, 0.01)",
        "mse(pred, t) + l2(params(), 0.1)",
        "mse(pred, t) + elastic_net(weights, l1 = 0.01, l2 = 0.1)"
    })
    void lossGradient_matchesFiniteDifferences(String loss) {
        Compilation c = Compiler.compileSource("losses.nabla", MODEL.formatted(loss));
        assertTrue(c.ok(), c.render());
        ModelIr model = c.model(null);
        List<GradCheck.Result> results = GradCheck.check(model, 5, 1e-4, 3);
        assertEquals(4, results.size());
        for (GradCheck.Result r : results) {
            assertTrue(r.ok(), loss + ": " + r);
        }
    }

    /** At logits exactly 0, where relu-based forms take relu's subgradient 0: PyTorch's sigmoid(0) - t per element. */
    @Test
    void binaryCrossEntropy_gradientAtZeroLogits_isHalfMinusTarget() {
        Compilation c = Compiler.compileSource("bce.nabla", """
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 4]
                    param z : [4] = zeros
                    output o = x + z
                    loss = binary_cross_entropy(z + 0 * x, t)
                }
                """);
        assertTrue(c.ok(), c.render());
        Map<String, Tensor> in = Map.of("x", Tensor.zeros(1, 4), "t", new Tensor(new int[] {1, 4}, new double[] {0, 1, 0.5, 0.2}),
                "z", Tensor.zeros(4));
        double[] grad = Interpreter.run(Autodiff.gradients(c.model(null).train()), 1, in).get("z").data();
        double[] want = {0.5 / 4, -0.5 / 4, 0, 0.3 / 4};
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], grad[i], 1e-12, "d loss / d z[" + i + "]");
        }
    }
}
