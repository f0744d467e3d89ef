package dev.nabla.compiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The bundled sample models, found on disk so that a new sample is covered by every sample test. */
public final class Samples {

    public static final Path DIR = Path.of("../samples");

    private Samples() {
    }

    /** Names without {@code .nabla}, sorted. */
    public static List<String> names() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".nabla"))
                    .map(n -> n.substring(0, n.length() - ".nabla".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
