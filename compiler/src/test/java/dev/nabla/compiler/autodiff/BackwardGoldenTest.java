package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.Golden;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * The printed forward-plus-backward graph of a hand-built MLP against a reviewed golden file. After an
 * intended change, regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class BackwardGoldenTest {

    @Test
    void backwardGraphOfHandBuiltMlp_matchesGolden() throws IOException {
        Graph grad = Verifier.verify(Autodiff.gradients(SmallMlp.build(Op.RELU)));
        Golden.check("hand_mlp.grad.ir", IrPrinter.print(grad));
    }
}
