package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small convolutional classifier written in Nabla, with the std conv2d layer ("same" padding, a strided
 * layer, a layer without bias), both poolings, the global pools and an L2 penalty on the kernels, passes
 * `nabla gradcheck`'s check for every parameter.
 */
class ConvModelGradientsTest {

    private static final String MODEL = """
            model Cnn {
                input img : f32[B, 2, 7, 7]
                target y : i32[B] classes 3
                c1 = conv2d(img, 3, 3, padding = "same", activation = tanh)
                p1 = max_pool2d(c1, 2, stride = 1)
                c2 = conv2d(p1, 4, [2, 3], stride = 2, padding = 1, dilation = [1, 2], activation = tanh, bias = false)
                p2 = avg_pool2d(c2, 2, padding = 1)
                features = global_max_pool(p2) + global_avg_pool(c2)
                logits = dense(features, 3)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y) + l2(weights, 0.01)
            }
            """;

    @Test
    void everyParameter_matchesFiniteDifferences() {
        Compilation c = Compiler.compileSource("cnn.nabla", MODEL);
        assertTrue(c.ok(), c.render());
        ModelIr model = c.model(null);
        List<GradCheck.Result> results = GradCheck.check(model, 7, 1e-4, 2);
        assertEquals(List.of("c1.W", "c1.b", "c2.W", "logits.W", "logits.b"), results.stream().map(GradCheck.Result::name).toList());
        for (GradCheck.Result r : results) {
            assertTrue(r.ok(), r.toString());
        }
    }
}
