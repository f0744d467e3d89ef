package dev.nabla.compiler.ir;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.passes.Passes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code parse(print(g))} equals {@code g} for every sample's training, inference, evaluation and backward graphs,
 * and for the training step and inference graphs after the pipeline
 * (spans compared by file name, the part the text shows); malformed text is rejected with its line.
 */
class IrRoundTripTest {

    /** g with every span's file reduced to its name, as the printer writes it. */
    private static Graph printable(Graph g) {
        List<Graph.Input> inputs = g.inputs().stream()
                .map(i -> new Graph.Input(i.value(), i.role(), i.init(), named(i.span()))).toList();
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            body.add(new Instr(i.out(), i.op(), i.args(), i.attr(), named(i.span()), i.inline()));
        }
        return new Graph(g.name(), inputs, body, g.outputs());
    }

    private static Span named(Span s) {
        return new Span(s.fileName(), s.line(), s.column(), s.gradient());
    }

    private static void assertRoundTrips(Graph g) {
        String text = IrPrinter.print(g);
        Graph parsed = IrParser.parse(text);
        assertEquals(printable(g), parsed, g.name());
        assertEquals(text, IrPrinter.print(parsed));
    }

    @ParameterizedTest
    @MethodSource("dev.nabla.compiler.Samples#names")
    void everySampleGraph_roundTripsThroughItsText(String name) throws IOException {
        Compilation c = Compiler.compileSource("samples/" + name + ".nabla",
                Files.readString(Path.of("../samples", name + ".nabla")));
        assertTrue(c.ok(), c.render());
        ModelIr m = c.model(null);
        assertRoundTrips(m.train());
        assertRoundTrips(m.inference());
        if (m.evaluation() != null) {
            assertRoundTrips(m.evaluation());
        }
        assertRoundTrips(Autodiff.gradients(m.train()));
        // after the pipeline: fused ops, trans flags and inline marks
        assertRoundTrips(Passes.run(Autodiff.gradients(m.train()), Set.of()));
        assertRoundTrips(Passes.run(m.inference(), Set.of()));
    }

    @Test
    void malformedText_isRejectedWithItsLine() {
        String good = """
                graph G {
                  input %x : f32[B,3]  @g.nabla:1:1
                  %y = exp %x : f32[B,3]  @g.nabla:2:1
                  output y = %y
                }
                """;
        assertEquals(1, IrParser.parse(good).body().size());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> IrParser.parse(good.replace("exp %x", "frobnicate %x")));
        assertEquals("line 3: unknown op 'frobnicate'", unknown.getMessage());
        IllegalArgumentException undefined = assertThrows(IllegalArgumentException.class,
                () -> IrParser.parse(good.replace("exp %x", "exp %z")));
        assertEquals("line 3: %z is used before it is defined", undefined.getMessage());
        assertThrows(Verifier.VerifyException.class, () -> IrParser.parse(good.replace("f32[B,3]  @g.nabla:2:1",
                "f32[B,4]  @g.nabla:2:1")), "a type that contradicts the shape rule");
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
                () -> IrParser.parse(good.replace("}\n", "")));
        assertEquals("line 5: the graph has no closing '}'", open.getMessage());
    }
}
