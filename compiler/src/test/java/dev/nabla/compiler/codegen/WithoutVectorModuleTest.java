package dev.nabla.compiler.codegen;

import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a JVM started without {@code --add-modules jdk.incubator.vector}, compiled models load and run the scalar family,
 * the only one emitted.
 */
class WithoutVectorModuleTest {

    /** Runs in the child JVM: compiles the test MLP, trains one step, predicts, prints which family ran and was emitted. */
    public static void main(String[] args) {
        ModelClasses mc = ModelCompiler.compile(Graphs.mlp(true), OptimizerSpec.sgd(0.1, 0.9, 0));
        CompiledModel m = mc.load();
        float[][] b = Harness.randomBuffers(m.spec(), 8, 1);
        m.trainStep(b, 8);
        m.update(b, new float[] {0.1f, 1, 1});
        m.predict(b, 8);
        boolean vector;
        try {
            vector = m.getClass().getField("VECTOR").getBoolean(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("vector=" + vector + " module=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                + " emitted=" + mc.emittedFamilies() + " loss=" + b[m.spec().indexOf("loss")][0]);
    }

    @Test
    void modelsLoadAndRunScalarKernelsWhenTheModuleIsAbsent() throws IOException, InterruptedException {
        String out = Harness.runInChildJvm(WithoutVectorModuleTest.class, 60, List.of());
        assertTrue(out.contains("vector=false module=false emitted=[SCALAR] loss="), out);
        assertTrue(!out.contains("loss=NaN"), out);
    }
}
