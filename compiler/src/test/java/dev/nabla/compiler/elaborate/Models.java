package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.ir.Verifier;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers for elaboration tests: compile a snippet, look into its graphs. */
final class Models {

    private Models() {
    }

    /** Compiles a model whose body is {@code body}, with one input {@code x : f32[B, 4]}. */
    static ModelIr withBody(String body) {
        return compile("model M {\n    input x : f32[B, 4]\n" + body + "\n}\n");
    }

    static ModelIr compile(String source) {
        Compilation c = Compiler.compileSource("test.nabla", source);
        assertTrue(c.ok(), c.render());
        for (ModelIr m : c.models()) {
            Verifier.verify(m.train());
            Verifier.verify(m.inference());
        }
        return c.model(null);
    }

    static String errors(String source) {
        Compilation c = Compiler.compileSource("test.nabla", source);
        assertTrue(!c.ok(), "expected errors");
        return c.render();
    }

    static List<String> paramNames(ModelIr m) {
        return m.train().inputs(Graph.InputRole.PARAM).stream().map(i -> i.value().name()).toList();
    }

    static Value param(ModelIr m, String name) {
        return m.train().inputs(Graph.InputRole.PARAM).stream().map(Graph.Input::value)
                .filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Instr> ops(Graph g, Op op) {
        return g.body().stream().filter(i -> i.op() == op).toList();
    }

    static Instr named(Graph g, String name) {
        return g.body().stream().filter(i -> i.out().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no value %" + name + " in\n" + g));
    }

    static Value output(ModelIr m, String name) {
        return m.train().outputs().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().value();
    }
}
