package dev.nabla.compiler;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Each file under golden/errors shows one kind of mistake; its rendered diagnostics (position, message,
 * source line, caret) must match the reviewed {@code .expected} file exactly.
 */
class DiagnosticGoldenTest {

    private static final Path ERRORS = Golden.DIR.resolve("errors");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(ERRORS)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".nabla"))
                    .sorted().toList();
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void brokenFile_reportsGoldenDiagnostics(String file) throws IOException {
        Compilation c = Compiler.compileFile(ERRORS.resolve(file));
        assertFalse(c.ok(), file + " should not compile");
        Golden.check("errors/" + file.replace(".nabla", ".expected"), c.render());
    }
}
