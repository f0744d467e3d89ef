package dev.nabla.compiler.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every input that once crashed or hung the compiler (issue 12's defects, the campaign's finds), kept in
 * {@code src/test/resources/fuzz-corpus/} and run through every stage with both kernel families: none may fail again.
 * A new find goes there as a file (bench/fuzz --failures DIR writes them).
 */
class FuzzCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus");

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".nabla")).sorted().toList();
            assertTrue(all.size() >= 7, "the corpus is in " + CORPUS.toAbsolutePath());
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void onceFailingInput_compilesOrIsReported_inBothKernelFamilies(Path file) throws IOException {
        String source = Files.readString(file, StandardCharsets.UTF_8);
        for (boolean vector : new boolean[] {true, false}) {
            Outcome o = FuzzRunner.run(source, vector, 1);
            assertFalse(o.kind().failure(), file + (vector ? " (vector)" : " (scalar)") + ": " + o);
        }
    }
}
