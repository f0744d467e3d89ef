package dev.nabla.compiler.passes;

import dev.nabla.compiler.Golden;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.IrParser;
import dev.nabla.compiler.ir.IrPrinter;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each {@code golden/passes/PASS[.RULE].before.ir} is rewritten by that pass into its reviewed {@code .after.ir}; the
 * result verifies and parses back from its text, and both graphs compute the same outputs on random inputs.
 */
class PassGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/golden/passes");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".before.ir"))
                    .map(n -> n.substring(0, n.length() - ".before.ir".length())).sorted().toList();
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void passRewritesTheGoldenGraph_andKeepsItsMeaning(String name) throws IOException {
        String pass = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        Graph before = IrParser.parse(Files.readString(DIR.resolve(name + ".before.ir")));
        Graph after = Verifier.verify(Passes.PIPELINE.stream().filter(p -> p.name().equals(pass)).findFirst()
                .orElseThrow(() -> new AssertionError("no pass " + pass)).run().apply(before));
        Golden.check("passes/" + name + ".after.ir", IrPrinter.print(after));
        assertEquals(after, IrParser.parse(IrPrinter.print(after)), "the result's text parses back to it");
        Map<String, Tensor> inputs = randomInputs(before, 3, new Random(name.hashCode()));
        Map<String, Tensor> want = Interpreter.run(before, 3, inputs);
        Map<String, Tensor> got = Interpreter.run(after, 3, inputs);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((output, t) -> {
            double[] w = t.data();
            double[] g = got.get(output).data();
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], g[i], 1e-12 * Math.max(1, Math.abs(w[i])), output + "[" + i + "]");
            }
        });
    }

    /** Values in (0.1, 2) for every input: positive, so log and sqrt stay defined in the golden graphs. */
    static Map<String, Tensor> randomInputs(Graph g, int batch, Random rnd) {
        Map<String, Tensor> in = new HashMap<>();
        for (Graph.Input i : g.inputs()) {
            int[] shape = i.value().shape().concrete(batch);
            double[] v = new double[Tensor.size(shape)];
            for (int k = 0; k < v.length; k++) {
                v[k] = 0.1 + 1.9 * rnd.nextDouble();
            }
            in.put(i.value().name(), new Tensor(shape, v));
        }
        return in;
    }
}
