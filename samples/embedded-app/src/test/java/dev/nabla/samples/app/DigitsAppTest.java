package dev.nabla.samples.app;

import dev.nabla.runtime.checkpoint.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application classifies digits with the model the plugin compiled into it, and fine-tunes it. */
class DigitsAppTest {

    @TempDir
    static Path dir;
    /** The first 300 rows of samples/data/digits.csv.gz: 64 pixels and the label. */
    static List<String> rows;
    static int[] labels;

    @BeforeAll
    static void data() throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("../data/digits.csv.gz")))) {
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(300).toList();
        }
        labels = rows.stream().mapToInt(r -> Integer.parseInt(r.substring(r.lastIndexOf(',') + 1).trim())).toArray();
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, DigitsApp.run(new PrintStream(out, true, StandardCharsets.UTF_8), args));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int correct(String printed, int n) {
        List<String> lines = printed.lines().toList();
        assertEquals(n, lines.size(), "one label per line");
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += Integer.parseInt(lines.get(i)) == labels[i] ? 1 : 0;
        }
        return correct;
    }

    @Test
    void classify_printsOneLabelPerImage_mostlyRight() throws IOException {
        Path pixels = Files.write(dir.resolve("pixels.csv"),
                rows.subList(0, 100).stream().map(r -> r.substring(0, r.lastIndexOf(','))).toList());
        int correct = correct(run("classify", pixels.toString()), 100);
        assertTrue(correct >= 95, correct + " of 100 right");
        assertEquals(64, Digits.PIXELS_SIZE);
        assertEquals(10, Digits.PROBS_SIZE);
    }

    @Test
    void finetune_changesTheWeights_andTheTunedModelStillClassifies() throws IOException {
        Path train = Files.write(dir.resolve("train.csv"), rows);
        Path tuned = dir.resolve("tuned.safetensors");
        String printed = run("finetune", train.toString(), "2", tuned.toString());
        assertTrue(printed.startsWith("fine-tuned for 20 steps"), printed);
        float[] before = Safetensors.read(Path.of("src/main/nabla/digits.safetensors")).tensors().get("hidden.W").data();
        float[] after = Safetensors.read(tuned).tensors().get("hidden.W").data();
        assertFalse(Arrays.equals(before, after));
        int correct = correct(run("classify", train.toString(), "--weights", tuned.toString()), 300);
        assertTrue(correct >= 290, correct + " of 300 right after fine-tuning on them");
    }

    @Test
    void aShortRow_isAnErrorMessage() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2,3\n");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, DigitsApp.run(new PrintStream(new ByteArrayOutputStream()), "classify", bad.toString()));
        } finally {
            System.setErr(err);
        }
        assertEquals("error: " + bad + ": a row has 3 values, a digit needs 64", captured.toString(StandardCharsets.UTF_8).strip());
        assertThrows(IllegalArgumentException.class, () -> Digits.load().predict(new float[63]));
    }
}
