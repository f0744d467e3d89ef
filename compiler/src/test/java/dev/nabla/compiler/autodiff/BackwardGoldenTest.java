package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The printed forward-plus-backward graph of a hand-built MLP against a reviewed golden file. After an
 * intended change, regenerate with {@code -Dnabla.golden.update=true} and review the diff.
 */
class BackwardGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static void assertGolden(String file, String actual) throws IOException {
        Path path = GOLDEN.resolve(file);
        if (Boolean.getBoolean("nabla.golden.update")) {
            Files.createDirectories(path.getParent());
            Files.writeString(path, actual);
        }
        assertEquals(Files.readString(path), actual, file);
    }

    @Test
    void backwardGraphOfHandBuiltMlp_matchesGolden() throws IOException {
        Graph grad = Verifier.verify(Autodiff.gradients(SmallMlp.build(Op.RELU)));
        assertGolden("hand_mlp.grad.ir", IrPrinter.print(grad));
    }
}
