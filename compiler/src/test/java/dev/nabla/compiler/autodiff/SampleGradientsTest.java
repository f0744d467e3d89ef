package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.Golden;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sample model's full loss (cross-entropy and l2 through the standard library): the backward graph
 * verifies, prints as its reviewed golden file, and its gradients match finite differences.
 */
class SampleGradientsTest {

    private static ModelIr compile(String sample) {
        Compilation c = Compiler.compileFile(Path.of("../samples", sample + ".nabla"));
        assertTrue(c.ok(), c.render());
        return c.model(null);
    }

    @ParameterizedTest
    @CsvSource({"iris, 2000", "digits, 2000", "fashion_mlp, 100", "breast_cancer, 2000", "wine, 2000", "fashion_cnn, 60"})
    void sampleGradients_matchGoldenAndFiniteDifferences(String sample, int fullCheckLimit) throws IOException {
        ModelIr model = compile(sample);
        Graph grad = Verifier.verify(Autodiff.gradients(model.train()));
        Golden.check(sample + ".grad.ir", IrPrinter.print(grad));

        List<GradCheck.Result> results = GradCheck.check(model.train(), model.targetClasses(), 7, 1e-4, 2, fullCheckLimit);
        assertEquals(model.train().inputs(Graph.InputRole.PARAM).size(), results.size());
        for (GradCheck.Result r : results) {
            assertTrue(r.ok(), sample + ": " + r);
        }
    }
}
