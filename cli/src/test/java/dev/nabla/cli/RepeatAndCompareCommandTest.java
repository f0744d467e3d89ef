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
        Path plot = dir.resolve("curves.svg");
        CliRun first = CliRun.of("train", IRIS, "--repeat", "3", "--epochs", "20", "--log", log.toString(), "--plot",
                plot.toString());
        CliRun second = CliRun.of("train", IRIS, "--repeat", "3", "--epochs", "20");
        assertEquals(0, first.exit(), first.err());
        assertEquals(first.out(), second.out());
        List<String> lines = first.out().lines().toList();
        assertEquals(4, lines.size(), first.out());
        assertTrue(lines.get(0).startsWith("Iris seed 42: test accuracy % "), first.out());
        assertTrue(lines.get(3).matches("test accuracy % \\S+ ± \\S+ \\(std over 3 seeds\\), 95% CI \\[\\S+, \\S+]"),
                first.out());
        List<String> csv = Files.readAllLines(log);
        assertEquals("epoch,runs,train_loss_mean,train_loss_std,val_loss_mean,val_loss_std,train_accuracy_mean,"
                + "train_accuracy_std,val_accuracy_mean,val_accuracy_std", csv.get(0));
        assertEquals(21, csv.size());
        assertTrue(csv.get(20).matches("20,3,[0-9.e-]+,[0-9.e-]+,,,[0-9.e-]+,[0-9.e-]+,,"), "no validation set: " + csv.get(20));
        String svg = Files.readString(plot);
        assertEquals(2, svg.split("<polygon").length - 1, "a band around the training loss and accuracy: " + svg);
        assertTrue(svg.contains("loss (mean ± std over 3 seeds)") && svg.contains(">train accuracy<"), svg);
        CliRun quiet = CliRun.of("train", IRIS, "--repeat", "3", "--epochs", "20", "--quiet");
        assertEquals(lines.get(3) + "\n", quiet.out(), "--quiet: the summary only");
        CliRun one = CliRun.of("train", IRIS, "--repeat", "1");
        assertEquals(1, one.exit());
        assertTrue(one.err().contains("at least 2 runs"), one.err());
    }

    @Test
    void compareOfCsvLogs_putsTheirValidationCurvesOnOneChart_andTestsRepeatedOnesAgainstSeedNoise() throws IOException {
        Path data = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize();
        Path validated = Files.writeString(dir.resolve("v.nabla"), Files.readString(Path.of(IRIS))
                .replace("data/iris.csv", data.toString().replace("\\", "/"))
                .replace("split = 0.2", "split = 0.2\n        validation = 0.2"));
        Path wide = Files.writeString(dir.resolve("w.nabla"), Files.readString(validated)
                .replace("dense(x, 16, activation = relu)", "dense(x, 2, activation = relu)"));
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Path single = dir.resolve("single.csv");
        assertEquals(0, CliRun.of("train", validated.toString(), "--repeat", "3", "--epochs", "15", "--log", a.toString()).exit());
        assertEquals(0, CliRun.of("train", wide.toString(), "--repeat", "3", "--epochs", "15", "--log", b.toString()).exit());
        assertEquals(0, CliRun.of("train", validated.toString(), "--epochs", "15", "--no-save", "--log", single.toString()).exit());
        Path plot = dir.resolve("compare.svg");
        CliRun r = CliRun.of("compare", a.toString(), b.toString(), single.toString(), "--plot", plot.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("a: 15 epochs, 3 runs; last epoch's validation loss \\S+ ± \\S+, accuracy \\S+% ± \\S+%"),
                r.out());
        assertTrue(lines.get(2).matches("single: 15 epochs, 1 run; last epoch's validation loss \\S+, accuracy \\S+%"), r.out());
        assertEquals(3, lines.size(), "no test between three logs: " + r.out());
        String svg = Files.readString(plot);
        assertTrue(svg.contains("validation loss") && svg.contains("validation accuracy") && svg.contains(">single<"), svg);
        assertEquals(4, svg.split("<polygon").length - 1, "bands for the two repeated runs, loss and accuracy");
        assertEquals(6, svg.split("<polyline").length - 1, "three runs, loss and accuracy");

        CliRun two = CliRun.of("compare", a.toString(), b.toString());
        assertTrue(two.out().contains("on the last epoch's validation accuracy %: a - b = "), two.out());
        assertTrue(two.out().contains("Welch's t-test: t = "), two.out());

        Files.writeString(dir.resolve("bad.csv"), "epoch,train_loss\n1,abc\n");
        CliRun bad = CliRun.of("compare", a.toString(), dir.resolve("bad.csv").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("bad.csv:2: column train_loss holds 'abc', not a number"), bad.err());
        CliRun mixed = CliRun.of("compare", a.toString(), IRIS);
        assertEquals(1, mixed.exit());
        assertTrue(mixed.err().contains("not a mix"), mixed.err());
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
