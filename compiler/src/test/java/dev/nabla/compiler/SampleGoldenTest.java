package dev.nabla.compiler;

import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sample compiles; its training, inference and backward graphs match the reviewed goldens exactly (what they
 * compute is checked by the corpus runner, {@code codegen.CorpusTest}).
 */
class SampleGoldenTest {

    private static Compilation compileSample(String name) throws IOException {
        String source = Files.readString(Path.of("../samples", name + ".nabla"));
        return Compiler.compileSource("samples/" + name + ".nabla", source);
    }

    @ParameterizedTest
    @MethodSource("dev.nabla.compiler.Samples#names")
    void sample_compilesToGoldenTrainAndInferenceGraphs(String name) throws IOException {
        Compilation c = compileSample(name);
        assertTrue(c.ok(), c.render());
        assertEquals(1, c.models().size());
        ModelIr m = c.model(null);
        Verifier.verify(m.train());
        Verifier.verify(m.inference());
        Golden.check("ir/" + name + ".train.ir", IrPrinter.print(m.train()));
        Golden.check("ir/" + name + ".inference.ir", IrPrinter.print(m.inference()));
    }

    @ParameterizedTest
    @MethodSource("dev.nabla.compiler.Samples#names")
    void sample_trainBlockMatchesGolden(String name) throws IOException {
        ModelIr m = compileSample(name).model(null);
        Golden.check("config/" + name + ".txt", ConfigText.of(m));
    }

    @ParameterizedTest
    @MethodSource("dev.nabla.compiler.Samples#names")
    void sample_backwardGraphMatchesGolden(String name) throws IOException {
        ModelIr m = compileSample(name).model(null);
        Golden.check(name + ".grad.ir", IrPrinter.print(Verifier.verify(Autodiff.gradients(m.train()))));
    }
}
