package dev.nabla.cli;

import dev.nabla.runtime.data.NpyWriter;
import dev.nabla.runtime.init.Rng;
import org.junit.jupiter.api.BeforeEach;
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

/**
 * {@code nabla train}, {@code eval} and {@code predict} on a model of two inputs (one a sequence) and two targets,
 * from one .npy file per input and target; and the 8x8 digits CSV read into an input declared {@code [B, 8, 8]}.
 */
class MultiInputDataCommandTest {

    private static final int ROWS = 400;

    /** The regression target is declared first: accuracy must still be reported, for the classification target. */
    static final String PAIR = """
            model Pair {
                input seq : f32[B, 4, 2]
                input extra : f32[B, 3]
                target size : f32[B, 1]
                target y : i32[B] classes 2
                h = dense(flatten(seq), 16, activation = relu) + dense(extra, 16, activation = relu)
                logits = dense(h, 2)
                output probs = softmax(logits)
                output amount = dense(h, 1)
                loss = cross_entropy(logits, y) + mse(amount, size)
                train {
                    data = %s
                    split = 0.2
                    validation = 0.1
                    early_stopping = 5
                    preprocess = standardize
                    optimizer = adam(lr = 0.01)
                    batch = 16
                    epochs = 40
                    seed = 1
                }
            }
            """;

    private static final String NAMED_FILES = "npy(seq = \"seq.npy\", extra = \"extra.npy\", size = \"size.npy\", y = \"labels.npy\")";

    @TempDir
    Path dir;

    /**
     * {@code y = 1} when the first feature of every step plus {@code extra[0] / 10} sums above 0, so the label needs
     * both inputs; {@code size} is half the sum of the sequence plus {@code extra[1] / 20}. {@code extra} is on a
     * scale 10 times {@code seq}'s.
     */
    @BeforeEach
    void writeData() {
        Rng rng = Rng.derive(11, "pair");
        float[] seq = new float[ROWS * 8];
        float[] extra = new float[ROWS * 3];
        float[] size = new float[ROWS];
        float[] labels = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            float firsts = 0;
            float sum = 0;
            for (int j = 0; j < 8; j++) {
                seq[r * 8 + j] = (float) rng.nextGaussian();
                sum += seq[r * 8 + j];
                firsts += j % 2 == 0 ? seq[r * 8 + j] : 0;
            }
            for (int j = 0; j < 3; j++) {
                extra[r * 3 + j] = (float) (10 * rng.nextGaussian());
            }
            labels[r] = firsts + extra[r * 3] / 10 > 0 ? 1 : 0;
            size[r] = sum / 2 + extra[r * 3 + 1] / 20;
        }
        NpyWriter.write(dir.resolve("seq.npy"), new int[] {ROWS, 4, 2}, seq);
        NpyWriter.write(dir.resolve("extra.npy"), new int[] {ROWS, 3}, extra);
        NpyWriter.write(dir.resolve("size.npy"), new int[] {ROWS, 1}, size);
        NpyWriter.write(dir.resolve("labels.npy"), new int[] {ROWS}, labels);
    }

    private Path model(String data) throws IOException {
        return Files.writeString(dir.resolve("pair.nabla"), PAIR.formatted(data));
    }

    /** Every file, named after its declaration, as {@code --data} takes them. */
    private String commandLineFiles() {
        return "seq=seq.npy,extra=extra.npy,size=size.npy,y=labels.npy".replace("=", "=" + dir + "/");
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void twoInputsTwoTargets_trainEvalPredict_fromOneNpyFilePerDeclaration() throws IOException {
        Path model = model(NAMED_FILES);
        Path weights = dir.resolve("pair.safetensors");
        CliRun train = CliRun.of("train", model.toString(), "--save", weights.toString(), "--threads", "1");
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().startsWith("training on 288 samples, validating on 32, testing on 80"), train.out());
        String test = train.out().substring(train.out().indexOf("test set:"));
        double firstEpochLoss = number(train.out(), "epoch 1/\\d+  train loss (\\d+\\.\\d+)");
        double testLoss = number(test, "samples  loss (\\d+\\.\\d+)");
        assertTrue(testLoss < firstEpochLoss / 10, "test loss " + testLoss + ", first epoch " + firstEpochLoss);
        double accuracy = number(test, "accuracy (\\d+\\.\\d+)%");
        assertTrue(accuracy >= 90, test);

        CliRun eval = CliRun.of("eval", model.toString(), "--weights", weights.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertEquals(accuracy, number(eval.out(), "accuracy (\\d+\\.\\d+)%"), 1e-9, "the same held-out rows of every file");
        CliRun evalAll = CliRun.of("eval", model.toString(), "--weights", weights.toString(), "--data", commandLineFiles());
        assertEquals(0, evalAll.exit(), evalAll.err());
        assertTrue(evalAll.out().startsWith(ROWS + " samples  loss "), evalAll.out());
        assertTrue(number(evalAll.out(), "accuracy (\\d+\\.\\d+)%") >= 90, evalAll.out());

        CliRun predict = CliRun.of("predict", model.toString(), "--weights", weights.toString(), "--input",
                "extra=" + dir.resolve("extra.npy") + ",seq=" + dir.resolve("seq.npy"));
        assertEquals(0, predict.exit(), predict.err());
        List<String> lines = predict.out().strip().lines().toList();
        assertEquals("class,p0,p1", lines.get(0));
        assertEquals(ROWS + 1, lines.size());
    }

    @Test
    void commandLineDataAndTestSet_nameTheFilesAfterTheModelsDeclarations() throws IOException {
        Path model = model("npy(seq = \"a.npy\", extra = \"b.npy\", size = \"c.npy\", y = \"d.npy\")");
        String data = commandLineFiles();
        CliRun train = CliRun.of("train", model.toString(), "--data", data, "--test", data, "--epochs", "2", "--no-save");
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().startsWith("training on 360 samples, validating on 40, testing on 400"), train.out());
    }

    @Test
    void unknownDataKeyInTheTrainBlock_isAPositionedErrorAndExitsOne() throws IOException {
        Path model = model("npy(sequence = \"seq.npy\", extra = \"extra.npy\", size = \"size.npy\", y = \"labels.npy\")");
        CliRun train = CliRun.of("train", model.toString(), "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("pair.nabla:12:20: error: train setting 'data': 'sequence' is not an input or target"
                + " of model Pair (inputs: seq, extra; targets: size, y)"), train.err());
    }

    @Test
    void unknownDataKeyOnTheCommandLine_listsTheInputsAndTargets() throws IOException {
        Path model = model(NAMED_FILES);
        CliRun train = CliRun.of("train", model.toString(), "--data", "sequence=" + dir.resolve("seq.npy"), "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("\"sequence\"") && train.err().contains("(inputs: seq, extra; targets: size, y)"),
                train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void rowCountsDiffering_isAUserErrorNamingBothFiles() throws IOException {
        NpyWriter.write(dir.resolve("labels.npy"), new int[] {ROWS - 1}, new float[ROWS - 1]);
        CliRun train = CliRun.of("train", model(NAMED_FILES).toString(), "--no-save");
        assertEquals(1, train.exit());
        assertTrue(train.err().contains("seq.npy has 400 samples but " + dir.resolve("labels.npy") + " has 399 targets"),
                train.err());
    }

    /** The digits CSV has 64 values a row; the model declares them as 8 rows of 8. */
    @Test
    void digitsCsvRows_reshapeToAnInputDeclared8By8() throws IOException {
        String csv = Path.of("../samples/data/digits.csv.gz").toAbsolutePath().normalize().toString().replace("\\", "/");
        Path model = Files.writeString(dir.resolve("digits8x8.nabla"), """
                model Digits8x8 {
                    input pixels : f32[B, 8, 8]
                    target digit : i32[B] classes 10
                    h = dense(flatten(pixels), 32, activation = relu)
                    logits = dense(h, 10)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, digit)
                    train {
                        data = csv("%s")
                        split = 0.2
                        preprocess = scale
                        optimizer = adam(lr = 0.01)
                        batch = 32
                        epochs = 8
                    }
                }
                """.formatted(csv));
        Path weights = dir.resolve("d.safetensors");
        CliRun train = CliRun.of("train", model.toString(), "--save", weights.toString(), "--threads", "1");
        assertEquals(0, train.exit(), train.err());
        double accuracy = number(train.out(), "test set:\\s+\\d+ samples  loss \\d+\\.\\d+  accuracy (\\d+\\.\\d+)%");
        assertTrue(accuracy >= 90, train.out());
        CliRun eval = CliRun.of("eval", model.toString(), "--weights", weights.toString());
        assertEquals(accuracy, number(eval.out(), "accuracy (\\d+\\.\\d+)%"), 1e-9, eval.err());

        Path rows = dir.resolve("three.csv");
        Files.write(rows, List.of(
                "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0",
                "0,0,0,12,13,5,0,0,0,0,0,11,16,9,0,0,0,0,3,15,16,6,0,0,0,7,15,16,16,2,0,0,0,0,1,16,16,3,0,0,0,0,1,16,16,6,0,0,0,0,1,16,16,6,0,0,0,0,0,11,16,10,0,0"));
        CliRun predict = CliRun.of("predict", model.toString(), "--weights", weights.toString(), "--input", rows.toString());
        assertEquals(0, predict.exit(), predict.err());
        List<String> lines = predict.out().strip().lines().toList();
        assertEquals(3, lines.size(), predict.out());
        assertTrue(lines.get(1).startsWith("0,") && lines.get(2).startsWith("1,"), "the first two digits: a 0 and a 1\n"
                + predict.out());
    }
}
