package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train --repeat summarizes seeds reproducibly; compare names Welch's test and its verdict. */
class RepeatAndCompareCommandTest {

    @TempDir
    Path dir;

    private static final String IRIS = "../samples/iris.nabla";

    @Test
    void repeatingWithTheSameSeeds_givesIdenticalSummaries_andCurveSpreads() throws IOException {
        Path log = dir.resolve("curves.csv");
        CliRun first = CliRun.of("train", IRIS, "--repeat", "3", "--epochs", "20", "--log", log.toString());
        CliRun second = CliRun.of("train", IRIS, "--repeat", "3", "--epochs", "20");
        assertEquals(0, first.exit(), first.err());
        assertEquals(first.out(), second.out());
        List<String> lines = first.out().lines().toList();
        assertEquals(4, lines.size(), first.out());
        assertTrue(lines.get(0).startsWith("Iris seed 42: test accuracy % "), first.out());
        assertTrue(lines.get(3).matches("test accuracy % \\S+ ± \\S+ \\(std over 3 seeds\\), 95% CI \\[\\S+, \\S+]"),
                first.out());
        List<String> csv = Files.readAllLines(log);
        assertEquals("epoch,runs,train_loss_mean,train_loss_std,val_loss_mean,val_loss_std", csv.get(0));
        assertEquals(21, csv.size());
        CliRun one = CliRun.of("train", IRIS, "--repeat", "1");
        assertEquals(1, one.exit());
        assertTrue(one.err().contains("at least 2 runs"), one.err());
    }

    @Test
    void compare_statesWelchsTestAndWhetherTheDifferenceExceedsSeedNoise() throws IOException {
        Path tiny = Files.writeString(dir.resolve("tiny.nabla"), Files.readString(Path.of(IRIS))
                .replace("model Iris", "model TinyIris").replace("dense(x, 16, activation = relu)", "dense(x, 1, activation = relu)")
                .replace("data/iris.csv", Path.of("../samples/data/iris.csv").toAbsolutePath().normalize().toString()
                        .replace("\\", "/")));
        CliRun r = CliRun.of("compare", IRIS, tiny.toString(), "--repeat", "3", "--epochs", "30");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Iris: test accuracy % "), r.out());
        assertTrue(r.out().contains("TinyIris: test accuracy % "), r.out());
        assertTrue(r.out().matches("(?s).*Iris - TinyIris = \\S+; Welch's t-test: t = \\S+, df = \\S+, p = \\S+: the "
                + "difference is (larger than|within) seed-to-seed noise.*"), r.out());
    }
}
