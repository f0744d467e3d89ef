package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla train --spark}: the README's example, run as written, and the flags that go with it. */
class SparkTrainCommandTest {

    /** The README's one {@code ./nabla train ... --spark ...} line, split into arguments as the shell splits it. */
    private static List<String> readmeExample() throws IOException {
        for (String line : Files.readAllLines(Path.of("../README.md"))) {
            if (line.startsWith("./nabla train ") && line.contains("--spark")) {
                List<String> words = new ArrayList<>();
                Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line.replaceFirst("\\s+#.*$", ""));
                while (m.find()) {
                    words.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
                return words.subList(1, words.size());
            }
        }
        throw new AssertionError("README.md has no ./nabla train ... --spark example");
    }

    /**
     * The example as written, from the repository's root: the model path is the README's with the root in front (the
     * tests run in cli/), and the checkpoint goes to a temporary directory instead of the working directory.
     */
    @Test
    void readmeExample_runsAsWritten(@TempDir Path dir) throws IOException {
        List<String> args = new ArrayList<>(readmeExample());
        for (int i = 0; i < args.size(); i++) {
            if (Files.exists(Path.of("..", args.get(i)))) {
                args.set(i, Path.of("..", args.get(i)).toString());
            } else if (args.get(i).equals("--save")) {
                args.set(i + 1, dir.resolve(args.get(i + 1)).toString());
            }
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("in 2 partitions"), run.out());
        Matcher accuracy = Pattern.compile("test set:\\n\\d+ samples  loss \\S+  accuracy (\\S+)%").matcher(run.out());
        assertTrue(accuracy.find(), run.out());
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 90, "test accuracy " + accuracy.group(1) + "%");
        assertTrue(run.out().contains("per step (mean of "), run.out());
        if (args.contains("--save")) {
            assertTrue(Files.size(Path.of(args.get(args.indexOf("--save") + 1))) > 0);
        }
    }

    @Test
    void sparkFlags_withoutSpark_orWithRepeat_areUserErrors() {
        CliRun partitions = CliRun.of("train", "../samples/iris.nabla", "--partitions", "2", "--no-save");
        assertEquals(1, partitions.exit());
        assertEquals("nabla: error: --partitions and --checkpoint-every go with --spark MASTER\n", partitions.err());
        CliRun repeat = CliRun.of("train", "../samples/iris.nabla", "--spark", "local[2]", "--repeat", "2");
        assertEquals(1, repeat.exit());
        assertEquals("nabla: error: --repeat trains on this machine; it does not go with --spark\n", repeat.err());
        CliRun zero = CliRun.of("train", "../samples/iris.nabla", "--spark", "local[2]", "--checkpoint-every", "0");
        assertEquals(1, zero.exit());
        assertTrue(zero.err().contains("--checkpoint-every"), zero.err());
    }
}
