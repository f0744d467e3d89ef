package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.diag.Diagnostic;
import dev.nabla.compiler.diag.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loss given probabilities where it takes logits (cross_entropy of softmax's output, PyTorch's classic mistake with
 * CrossEntropyLoss; binary_cross_entropy of a sigmoid's, with BCEWithLogitsLoss) compiles and trains, slowly and toward
 * flattened probabilities, with no error anywhere: the compiler warns at the model's line, once, and says where the
 * softmax or sigmoid is.
 */
class ProbabilitiesForLogitsWarningTest {

    private static String model(String loss) {
        return """
                model M {
                    input x : f32[B, 4]
                    target y : i32[B] classes 3
                    logits = dense(x, 3)
                    output p = softmax(logits)
                    loss = %s
                }
                """.formatted(loss);
    }

    private static List<Diagnostic> warnings(Compilation c) {
        return c.diagnostics().stream().filter(d -> d.severity() == Severity.WARNING).toList();
    }

    @Test
    void crossEntropyOfASoftmaxOutput_warnsAtTheLossCallNamingTheSoftmaxLine_andStillCompiles() {
        Compilation c = Compiler.compileSource("m.nabla", model("cross_entropy(p, y)"));
        assertTrue(c.ok(), c.render());
        List<Diagnostic> w = warnings(c);
        assertEquals(1, w.size(), "once, though the training and inference graphs are both built: " + c.render());
        assertEquals(6, w.get(0).span().line());
        assertEquals(12, w.get(0).span().column(), "at cross_entropy, not inside the standard library");
        assertEquals("m.nabla", w.get(0).span().file());
        assertEquals("in 'cross_entropy': log_softmax is given a softmax output (softmax at line 5), which it normalizes"
                + " a second time; pass the logits, the input of that softmax", w.get(0).message());
    }

    @Test
    void logSoftmaxOfASoftmaxOutputWrittenOut_warnsAtItsOwnCall() {
        Compilation c = Compiler.compileSource("m.nabla", model("-mean(sum(one_hot(y, 3) * log_softmax(p), axis = -1))"));
        List<Diagnostic> w = warnings(c);
        assertEquals(1, w.size(), c.render());
        assertEquals(6, w.get(0).span().line());
        assertTrue(w.get(0).message().startsWith("log_softmax is given a softmax output (softmax at line 5)"),
                w.get(0).message());
    }

    @Test
    void crossEntropyOfLogits_orLogSoftmaxAlongAnotherAxisThanTheSoftmax_warnsNothing() {
        assertEquals(List.of(), Compiler.compileSource("m.nabla", model("cross_entropy(logits, y)")).diagnostics());
        String otherAxis = """
                model A {
                    input x : f32[B, 2, 3]
                    output p = softmax(x, axis = 1)
                    loss = -mean(log_softmax(p, axis = 2))
                }
                """;
        Compilation c = Compiler.compileSource("a.nabla", otherAxis);
        assertTrue(c.ok(), c.render());
        assertEquals(List.of(), warnings(c), c.render());
    }

    private static String binary(String output, String loss) {
        return """
                model Bin {
                    input x : f32[B, 4]
                    target t : f32[B] binary
                    score = reshape(dense(x, 1), [-1])
                    output o = %s
                    loss = %s
                }
                """.formatted(output, loss);
    }

    @Test
    void binaryCrossEntropyOfASigmoidOutput_warnsAtTheLossCallNamingTheSigmoidLine() {
        Compilation c = Compiler.compileSource("b.nabla", binary("sigmoid(score)", "binary_cross_entropy(o, t)"));
        assertTrue(c.ok(), c.render());
        List<Diagnostic> w = warnings(c);
        assertEquals(1, w.size(), c.render());
        assertEquals(6, w.get(0).span().line());
        assertEquals(12, w.get(0).span().column());
        assertEquals("in 'binary_cross_entropy': its logits are a sigmoid output (sigmoid at line 5), and it applies"
                + " sigmoid itself, a second time; pass the logits, the input of that sigmoid", w.get(0).message());
    }

    @Test
    void binaryCrossEntropyOfLogits_orASigmoidOutputInALossOfProbabilities_warnsNothing() {
        assertEquals(List.of(), Compiler.compileSource("b.nabla", binary("score", "binary_cross_entropy(o, t)"))
                .diagnostics());
        assertEquals(List.of(), Compiler.compileSource("b.nabla", binary("sigmoid(score)", "mse(o, t)")).diagnostics());
    }
}
