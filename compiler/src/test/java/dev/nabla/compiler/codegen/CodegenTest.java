package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.lower.Lowering;
import dev.nabla.compiler.ir.Op;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodegenTest {

    private static final OptimizerSpec SGD = OptimizerSpec.sgd(0.1, 0.9, 0);

    @Test
    void everyOpHasALoweringRule() {
        for (Op op : Op.values()) {
            assertTrue(Lowering.rules().containsKey(op), op + " has no lowering");
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void mlpTrainStepLossOutputsAndGradientsMatchReference(boolean vector) {
        ModelIr model = Graphs.mlp(true);
        ModelClasses mc = ModelCompiler.compile(model, SGD);
        CompiledModel m = Harness.load(mc, vector);
        for (int batch : new int[] {1, 5, 37}) {
            float[][] b = Harness.randomBuffers(m.spec(), 40, batch);
            m.trainStep(b, batch);
            Harness.assertOutputsMatch(model.train(), m.spec(), b, batch, 1e-5, 1e-4);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void mlpPredictMatchesReference(boolean vector) {
        ModelIr model = Graphs.mlp(true);
        CompiledModel m = Harness.load(ModelCompiler.compile(model, SGD), vector);
        float[][] b = Harness.randomBuffers(m.spec(), 33, 7);
        m.predict(b, 33);
        Harness.assertOutputsMatch(model.inference(), m.spec(), b, 33, 1e-5, 1e-4);
    }

    @Test
    void mlpClassesPassCheckClassAdapter() {
        Harness.assertClassesVerify(ModelCompiler.compile(Graphs.mlp(true), SGD));
    }

    @Test
    void listingShowsFusedGemmEpilogueAndLoops() {
        String listing = ModelCompiler.compile(Graphs.mlp(true), SGD).listing();
        assertTrue(listing.contains("relu(x @ h.W + h.b)"), listing);
        assertTrue(listing.contains("for i1 < " + Graphs.CLASSES), listing);
    }

    @Test
    void wrongSizeBufferFailsWithStackTraceAtModelLine() {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), SGD);
        CompiledModel m = Harness.load(mc, false);
        float[][] b = Harness.randomBuffers(m.spec(), 8, 1);
        b[m.spec().indexOf("probs")] = new float[3];
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> m.predict(b, 8));
        StackTraceElement kernel = Arrays.stream(e.getStackTrace())
                .filter(f -> f.getClassName().startsWith("dev.nabla.generated.")).findFirst().orElseThrow();
        assertEquals(Graphs.FILE, kernel.getFileName());
        assertEquals(7, kernel.getLineNumber(), Arrays.toString(e.getStackTrace()));
    }
}
