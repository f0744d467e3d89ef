package dev.nabla.cli;

import dev.nabla.runtime.data.NpyWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A linear SVM (binary_hinge on one margin per sample) trained on separable points: with -1/+1 targets and with 0/1
 * targets alike, train and eval report accuracy and a 2x2 confusion matrix from the margin's sign.
 */
class BinaryHingeCommandTest {

    @TempDir
    Path dir;

    private static final int ROWS = 400;

    private static final String MODEL = """
            model Svm {
                input x : f32[B, 2]
                target y : f32[B] binary
                output margin = reshape(dense(x, 1), [-1])
                loss = binary_hinge(margin, y) + l2(weights, 1e-3)
                train {
                    data = npy(x = "x.npy", y = "y.npy")
                    split = 0.25
                    optimizer = sgd(lr = 0.05)
                    batch = 16
                    epochs = 20
                    seed = 5
                }
            }
            """;

    @ParameterizedTest(name = "negative label {0}")
    @ValueSource(floats = {-1f, 0f})
    void hingeOnPlusMinusOneOrZeroOneTargets_reportsAccuracy(float negative) throws IOException {
        Random rnd = new Random(1);
        float[] x = new float[ROWS * 2];
        float[] y = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            boolean positive = i % 2 == 0;
            // two clusters, at (1, 1) and (-1, -1), spread 0.4
            x[2 * i] = (positive ? 1 : -1) + (float) (0.4 * rnd.nextGaussian());
            x[2 * i + 1] = (positive ? 1 : -1) + (float) (0.4 * rnd.nextGaussian());
            y[i] = positive ? 1 : negative;
        }
        NpyWriter.write(dir.resolve("x.npy"), new int[] {ROWS, 2}, x);
        NpyWriter.write(dir.resolve("y.npy"), new int[] {ROWS}, y);
        Path model = Files.writeString(dir.resolve("svm.nabla"), MODEL);
        CliRun train = CliRun.of("train", model.toString());
        assertEquals(0, train.exit(), train.err());
        String test = train.out().substring(train.out().indexOf("test set:"));
        assertTrue(accuracy(train.out(), "epoch 20/20 .*train acc (\\d+\\.\\d+)%") >= 97, train.out());
        assertTrue(accuracy(test, "accuracy (\\d+\\.\\d+)%") >= 97, test);
        CliRun eval = CliRun.of("eval", model.toString(), "--weights", dir.resolve("svm.safetensors").toString());
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.out().contains("confusion matrix"), eval.out());
        assertEquals(accuracy(test, "accuracy (\\d+\\.\\d+)%"), accuracy(eval.out(), "accuracy (\\d+\\.\\d+)%"), 1e-9);
    }

    private static double accuracy(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
