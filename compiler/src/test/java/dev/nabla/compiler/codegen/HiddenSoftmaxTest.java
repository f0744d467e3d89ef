package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.autodiff.GradCheck;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Op;
import dev.nabla.runtime.CompiledModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * softmax and log_softmax in the middle of a network, not only before the loss: over the last axis of a hidden
 * layer, and over the middle axis of a [B, 3, 4] reshape (attention-like). Each model compiles, its gradients match
 * finite differences, and compiled training steps and predictions match the interpreter in both families.
 */
class HiddenSoftmaxTest {

    private static final String MODEL = """
            model Hidden {
                input x : f32[B, 5]
                target y : i32[B] classes 3
                h = dense(x, 12)
                mixed = %s
                logits = dense(mixed, 3)
                output probs = softmax(logits)
                loss = cross_entropy(logits, y)
            }
            """;

    @ParameterizedTest
    @ValueSource(strings = {
        "softmax(h, axis = -1)",
        "log_softmax(h)",
        "flatten(softmax(reshape(h, [B, 3, 4]), axis = 1))",
        "flatten(log_softmax(reshape(h, [B, 3, 4]), axis = 1)) * h"
    })
    void softmaxInAHiddenLayer_gradchecks_andCompiledMatchesInterpreter(String mixed) {
        Compilation c = Compiler.compileSource("hidden.nabla", MODEL.formatted(mixed));
        assertTrue(c.ok(), c.render());
        ModelIr model = c.model(null);
        Graph train = Autodiff.gradients(model.train());
        long normalisations = train.body().stream()
                .filter(i -> i.op() == Op.SOFTMAX || i.op() == Op.LOG_SOFTMAX).count();
        assertTrue(normalisations >= 2, "the hidden one and the loss's log_softmax:\n" + train);

        List<GradCheck.Result> results = GradCheck.check(model, 7, 1e-4, 4);
        assertEquals(4, results.size());
        results.forEach(r -> assertTrue(r.ok(), mixed + ": " + r));

        ModelClasses mc = ModelCompiler.compile(model, model.config().optimizer(), train);
        Harness.assertClassesVerify(mc);
        for (boolean vector : new boolean[] {true, false}) {
            CompiledModel m = Harness.load(mc, vector);
            for (int batch : new int[] {1, 9}) {
                float[][] b = Harness.randomBuffers(m.spec(), 9, batch);
                m.trainStep(b, batch);
                Harness.assertOutputsMatch(train, m.spec(), b, batch, 1e-5, 1e-4);
                m.predict(b, batch);
                Harness.assertOutputsMatch(model.inference(), m.spec(), b, batch, 1e-5, 1e-4);
            }
        }
    }
}
