package dev.nabla.compiler.codegen;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.train.Evaluator;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.Trainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model with parameters and outputs but no target or loss can be run, not trained: the docs' promise. */
class NoLossModelTest {

    private static final String SOURCE = """
            model Embedder {
                input x : f32[B, 4]
                h = dense(x, 3, activation = tanh)
                output o = softmax(h)
            }
            """;

    @Test
    void modelWithoutLoss_compilesItsInferenceGraph_predictsAndRefusesTraining() {
        Compilation c = Compiler.compileSource("embedder.nabla", SOURCE);
        assertTrue(c.ok(), c.render());
        ModelIr ir = c.model(null);
        assertFalse(ir.trainable());
        ModelClasses mc = ModelCompiler.compile(ir, ir.config().optimizer());
        assertTrue(mc.spec().indicesOf(BufferRole.LOSS).isEmpty(), "no LOSS buffer: the runtime's sign of no loss");
        CompiledModel m = Harness.load(mc, true);
        float[][] b = Harness.randomBuffers(m.spec(), 5, 3);
        m.predict(b, 5);
        Harness.assertOutputsMatch(ir.inference(), m.spec(), b, 5, 1e-6, 1e-5);

        Dataset data = Dataset.of("rows", new float[8], 4, new float[2], 1);
        NablaException train = assertThrows(NablaException.class, () -> new Trainer(m,
                TrainOptions.from(ir.config()).withBatchSize(2), null, null).train(m.spec().allocate(2), data, null));
        assertTrue(train.getMessage().contains("model Embedder has no loss"), train.getMessage());
        assertThrows(NablaException.class, () -> Evaluator.evaluate(m, m.spec().allocate(2), data, 2));
    }
}
