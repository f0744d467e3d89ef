package dev.nabla.maven;

import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mojo on a project in a temporary directory: outputs, packages, up-to-date skipping, errors in the log. */
class CompileMojoTest {

    private static String iris() throws Exception {
        return Files.readString(Path.of("../samples/iris.nabla"));
    }

    @TempDir
    Path dir;

    /** Log lines by level, as Maven would print them. */
    static final class Recorded extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add("[INFO] " + content);
        }

        @Override
        public void warn(CharSequence content) {
            lines.add("[WARNING] " + content);
        }

        @Override
        public void error(CharSequence content) {
            lines.add("[ERROR] " + content);
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private CompileMojo mojo(Recorded log) {
        CompileMojo m = new CompileMojo();
        m.sourceDirectory = dir.resolve("src/main/nabla").toFile();
        m.generatedSources = dir.resolve("target/generated-sources/nabla").toFile();
        m.outputDirectory = dir.resolve("target/classes").toFile();
        m.packageName = "dev.nabla.generated";
        Model model = new Model();
        model.setBuild(new Build());
        model.getBuild().setDirectory(dir.resolve("target").toString());
        m.project = new MavenProject(model);
        m.setLog(log);
        return m;
    }

    private Path source(String relative, String text) throws Exception {
        Path f = dir.resolve("src/main/nabla").resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, text);
    }

    @Test
    void compilesFacadeIntoGeneratedSources_kernelsIntoTheOutput_andSkipsWhatIsUpToDate() throws Exception {
        source("tiny.nabla", iris());
        source("com/example/other.nabla", iris().replace("model Iris", "model Other"));
        Recorded log = new Recorded();
        CompileMojo mojo = mojo(log);
        mojo.execute();
        assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/nabla/dev/nabla/generated/Iris.java")));
        assertTrue(Files.isRegularFile(dir.resolve("target/classes/dev/nabla/generated/IrisKernels.class")));
        assertTrue(Files.isRegularFile(dir.resolve("target/classes/dev/nabla/generated/Iris.model.json")));
        assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/nabla/com/example/Other.java")),
                "a file in a subdirectory is in the subdirectory's package");
        assertEquals("com.example.Other\ndev.nabla.generated.Iris\n",
                Files.readString(dir.resolve("target/classes/META-INF/nabla/models")));
        assertEquals(List.of(dir.resolve("target/generated-sources/nabla").toString()), mojo.project.getCompileSourceRoots());
        assertTrue(log.text().contains("Nabla: compiled Iris from tiny.nabla to dev.nabla.generated.Iris (no weights)"), log.text());

        Recorded again = new Recorded();
        mojo(again).execute();
        assertTrue(again.text().contains("Nabla: tiny.nabla is up to date (dev.nabla.generated.Iris)"), again.text());
        assertFalse(again.text().contains("compiled"), again.text());

        source("tiny.nabla", iris().replace("dense(x, 16,", "dense(x, 8,"));
        Recorded changed = new Recorded();
        mojo(changed).execute();
        assertTrue(changed.text().contains("Nabla: compiled Iris from tiny.nabla"), changed.text());
        // a model may import any file of the directory: one changed file recompiles them all
        assertTrue(changed.text().contains("Nabla: compiled Other from other.nabla"), changed.text());
    }

    @Test
    void aModelError_failsTheBuild_withPositionedMessagesInTheLog() throws Exception {
        Path bad = source("bad.nabla", iris().replace("init = glorot_uniform)", "init = glorot_uniform) @ x"));
        Recorded log = new Recorded();
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo(log).execute());
        assertEquals("Nabla: bad.nabla has errors (see above)", e.getMessage());
        assertTrue(log.text().contains("[ERROR] " + bad + ":7:"), log.text());
        assertTrue(log.text().contains(": error: matrix product"), log.text());
    }

    @Test
    void weightsOfAnotherModel_failTheBuildWithTheirMessage() throws Exception {
        source("tiny.nabla", iris());
        Files.write(dir.resolve("src/main/nabla/tiny.safetensors"), new byte[] {1, 2, 3});
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo(new Recorded()).execute());
        assertTrue(e.getMessage().startsWith("Nabla: " + dir.resolve("src/main/nabla/tiny.safetensors")
                + ": not a safetensors file"), e.getMessage());
    }
}
