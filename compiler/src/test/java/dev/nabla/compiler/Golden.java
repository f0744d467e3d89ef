package dev.nabla.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares text with a file under src/test/resources/golden; {@code -Dgolden.update=true} rewrites the file instead. */
public final class Golden {

    static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {
    }

    public static void check(String relative, String actual) throws IOException {
        Path file = DIR.resolve(relative);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
            return;
        }
        String expected = Files.exists(file) ? Files.readString(file) : "<missing golden file " + file + ">";
        assertEquals(expected, actual, "golden " + file + " (regenerate with -Dgolden.update=true)");
    }
}
