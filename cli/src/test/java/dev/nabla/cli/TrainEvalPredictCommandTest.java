package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainEvalPredictCommandTest {

    private static final Path IRIS = Path.of("../samples/iris.nabla");

    private static double accuracy(String report) {
        Matcher m = Pattern.compile("accuracy (\\d+\\.\\d+)%").matcher(report);
        assertTrue(m.find(), report);
        return Double.parseDouble(m.group(1));
    }

    /** The held-out loss of a report: the last "N samples  loss X" line. */
    private static String loss(String report) {
        Matcher m = Pattern.compile("samples  loss (\\d+\\.\\d+)").matcher(report);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertTrue(last != null, report);
        return last;
    }

    @Test
    void trainThenEval_reportTheSameHeldOutAccuracy(@TempDir Path dir) {
        Path ckpt = dir.resolve("iris.safetensors");
        CliRun train = CliRun.of("train", IRIS.toString(), "--epochs", "60", "--save", ckpt.toString(), "--threads", "1");
        assertEquals(0, train.exit(), train.err());
        assertTrue(Files.isRegularFile(ckpt));
        double trained = accuracy(train.out());
        assertTrue(trained >= 85.0, train.out());

        CliRun eval = CliRun.of("eval", IRIS.toString(), "--weights", ckpt.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertEquals(trained, accuracy(eval.out()), 1e-9);
        assertTrue(eval.out().contains("confusion matrix"), eval.out());
    }

    @Test
    void predict_printsOneLinePerSampleWithClassAndProbabilities(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("w.safetensors");
        assertEquals(0, CliRun.of("train", IRIS.toString(), "--steps", "20", "--save", ckpt.toString()).exit());
        Path inputs = dir.resolve("flowers.csv");
        Files.write(inputs, List.of("5.1,3.5,1.4,0.2", "6.7,3.0,5.2,2.3"));
        CliRun predict = CliRun.of("predict", IRIS.toString(), "--weights", ckpt.toString(), "--input", inputs.toString());
        assertEquals(0, predict.exit(), predict.err());
        String[] lines = predict.out().strip().split("\n");
        assertEquals("class,p0,p1,p2", lines[0]);
        assertEquals(3, lines.length, predict.out());
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",");
            double sum = 0;
            for (int j = 1; j < fields.length; j++) {
                sum += Double.parseDouble(fields[j]);
            }
            assertEquals(1.0, sum, 1e-4, lines[i]);
        }
    }

    /**
     * Batch norm: predict runs the inference graph, which normalizes with the running statistics the checkpoint
     * holds, so each row's probabilities are its own: the same alone (--batch 1) as next to another row, and
     * different rows differ. eval reports the accuracy train reported on the same held-out rows.
     */
    @Test
    void batchNorm_predictsPerRow_withTheCheckpointsRunningStatistics(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("bn_iris.nabla");
        Files.writeString(model, """
                model BnIris {
                    input x : f32[B, 4]
                    target y : i32[B] classes 3
                    h = batch_norm(dense(x, 8), momentum = 0.3)
                    logits = dense(relu(h), 3)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, y)
                    train {
                        data = csv("%s", layout = "sklearn")
                        split = 0.2
                        optimizer = adam(lr = 0.02)
                        batch = 16
                        epochs = 30
                    }
                }
                """.formatted(Path.of("../samples/data/iris.csv").toAbsolutePath().normalize().toString().replace("\\", "/")));
        Path ckpt = dir.resolve("bn.safetensors");
        CliRun train = CliRun.of("train", model.toString(), "--save", ckpt.toString(), "--threads", "1");
        assertEquals(0, train.exit(), train.err());
        assertTrue(Files.readString(ckpt, java.nio.charset.StandardCharsets.ISO_8859_1).contains("\"h.running_var\""),
                "the checkpoint holds the running statistics");
        CliRun eval = CliRun.of("eval", model.toString(), "--weights", ckpt.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertEquals(accuracy(train.out()), accuracy(eval.out()), 1e-9);
        assertTrue(accuracy(eval.out()) >= 80.0, eval.out());
        assertEquals(loss(train.out()), loss(eval.out()),
                "the evaluation loss uses the running statistics, so train's batch 16 and eval's 256 agree");

        Path inputs = dir.resolve("flowers.csv");
        Files.write(inputs, List.of("5.1,3.5,1.4,0.2", "6.7,3.0,5.2,2.3"));
        CliRun alone = CliRun.of("predict", model.toString(), "--weights", ckpt.toString(), "--input", inputs.toString(),
                "--batch", "1");
        CliRun together = CliRun.of("predict", model.toString(), "--weights", ckpt.toString(), "--input", inputs.toString(),
                "--batch", "2");
        assertEquals(0, alone.exit(), alone.err());
        String[] lines = alone.out().strip().split("\n");
        assertEquals(3, lines.length, alone.out());
        assertFalse(lines[1].substring(lines[1].indexOf(',')).equals(lines[2].substring(lines[2].indexOf(','))),
                "two different rows, each alone in its batch, get different probabilities: " + alone.out());
        assertTrue(lines[1].startsWith("0,") && lines[2].startsWith("2,"), alone.out());
        assertEquals(alone.out(), together.out(), "a row's result does not depend on the rest of its batch");
    }

    @Test
    void steps_stopAfterExactlyThatManyUpdates(@TempDir Path dir) throws IOException {
        // 120 training rows in batches of 16 are 8 steps an epoch: 19 steps end 3 steps into the third epoch
        Path log = dir.resolve("run.csv");
        CliRun train = CliRun.of("train", IRIS.toString(), "--steps", "19", "--batch", "16", "--no-save", "--log", log.toString());
        assertEquals(0, train.exit(), train.err());
        List<String> rows = Files.readAllLines(log);
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(rows.get(3).startsWith("3,19,48,"), "epoch 3 ends at step 19 after 48 samples: " + rows);
    }

    @Test
    void divergingLearningRate_exitsOneWithAdviceAndNoStackTrace() {
        CliRun train = CliRun.of("train", "../samples/digits.nabla", "--lr", "1e6", "--epochs", "2", "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("diverged") && train.err().contains("lower learning rate"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void wrongFeatureCount_namesTheFileAndExitsOne(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("five.csv");
        Files.write(bad, List.of("1,2,3,4,5,0", "1,2,3,4,5,1"));
        CliRun train = CliRun.of("train", IRIS.toString(), "--data", bad.toString(), "--epochs", "1", "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("five.csv"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void missingCheckpoint_isAUserError() {
        CliRun eval = CliRun.of("eval", IRIS.toString(), "--weights", "does-not-exist.safetensors");
        assertEquals(1, eval.exit());
        assertTrue(eval.err().contains("does-not-exist.safetensors"), eval.err());
    }

    @Test
    void unknownOptimizer_isAUserError() {
        CliRun train = CliRun.of("train", IRIS.toString(), "--optimizer", "adagrad", "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("unknown optimizer 'adagrad'"), train.err());
    }

    @Test
    void brokenModel_printsDiagnosticsAndRunsNothing(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("broken.nabla");
        Files.writeString(model, "model M {\n  input x : f32[B, 4]\n  output y = relu(z)\n}\n");
        CliRun train = CliRun.of("train", model.toString(), "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("broken.nabla:3:"), train.err());
    }

    @Test
    void badFlagValue_exitsOneWithUsageAndNoStackTrace() {
        CliRun train = CliRun.of("train", IRIS.toString(), "--epochs", "many");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("--epochs"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void sameSeed_givesIdenticalCheckpointAndLogBytes_differentSeedDoesNot(@TempDir Path dir) throws IOException {
        String digits = "../samples/digits.nabla";
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Path c = dir.resolve("c.safetensors");
        assertEquals(0, CliRun.of("train", digits, "--steps", "60", "--save", a.toString(), "--log", dir.resolve("a.csv").toString()).exit());
        assertEquals(0, CliRun.of("train", digits, "--steps", "60", "--save", b.toString(), "--log", dir.resolve("b.csv").toString()).exit());
        assertEquals(0, CliRun.of("train", digits, "--steps", "60", "--seed", "8", "--save", c.toString(), "--log", dir.resolve("c.csv").toString()).exit());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "same seed, same bytes");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "another seed, other weights");
        // the log's seconds column is the epoch's wall time, the one thing a run does not decide; every other byte is the same
        assertEquals(withoutSeconds(dir.resolve("a.csv")), withoutSeconds(dir.resolve("b.csv")));
        assertFalse(withoutSeconds(dir.resolve("a.csv")).equals(withoutSeconds(dir.resolve("c.csv"))));
    }

    /** The log's rows without the {@code seconds} column. */
    private static List<String> withoutSeconds(Path log) throws IOException {
        List<String> rows = Files.readAllLines(log);
        int seconds = List.of(rows.get(0).split(",", -1)).indexOf("seconds");
        assertTrue(seconds >= 0 && rows.size() > 1, rows.toString());
        return rows.stream().map(r -> {
            List<String> cells = new java.util.ArrayList<>(List.of(r.split(",", -1)));
            cells.remove(seconds);
            return String.join(",", cells);
        }).toList();
    }
}
