package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A non-finite loss the model computes itself is named (op and model line), not blamed on the learning rate; one
 * that growing weights cause still gets the learning-rate advice.
 */
class DivergenceCauseCommandTest {

    private static final Path IRIS_DATA = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize();

    private static Path model(Path dir, String hidden, String optimizer) throws IOException {
        Path file = dir.resolve("m.nabla");
        Files.writeString(file, """
                model M {
                    input x : f32[B, 4]
                    target species : i32[B] classes 3
                    %s
                    logits = dense(h, 3)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, species)
                    train {
                        data = csv("%s", layout = "sklearn")
                        preprocess = standardize
                        optimizer = %s
                        batch = 16
                        epochs = 3
                        seed = 1
                    }
                }
                """.formatted(hidden, IRIS_DATA.toString().replace("\\", "/"), optimizer));
        return file;
    }

    @Test
    void logOfAStandardizedInput_namesTheOpAndItsLine_withoutLearningRateAdvice(@TempDir Path dir) throws IOException {
        // standardized measurements are negative for half the flowers: log gives NaN at line 4, column 9
        Path file = model(dir, "h = log(x)", "sgd(lr = 0.01)");
        CliRun train = CliRun.of("train", file.toString(), "--no-save");
        assertEquals(1, train.exit(), train.err());
        assertTrue(train.err().contains("`log` at m.nabla:4:"), train.err());
        assertTrue(train.err().contains("in the forward pass"), train.err());
        assertTrue(train.err().contains("whatever the learning rate"), train.err());
        assertFalse(train.err().contains("lower learning rate"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void sqrtOfAZeroWeight_namesTheGradientOfItsLine(@TempDir Path dir) throws IOException {
        // s starts at zero: the forward pass is finite (x * 0), the derivative of sqrt at 0 is infinite
        Path file = model(dir, "param s : [4] = zeros; h = x * sqrt(s)", "sgd(lr = 0.01)");
        CliRun train = CliRun.of("train", file.toString(), "--no-save");
        assertEquals(1, train.exit(), train.err());
        assertTrue(train.err().contains("in the gradient of the expression at m.nabla:4:"), train.err());
        assertTrue(train.err().contains("in the backward pass"), train.err());
        assertFalse(train.err().contains("lower learning rate"), train.err());
    }

    @Test
    void growingWeights_stillGetLearningRateAdvice(@TempDir Path dir) throws IOException {
        Path file = model(dir, "h = dense(x, 32, activation = relu)", "sgd(lr = 1e6)");
        CliRun train = CliRun.of("train", file.toString(), "--no-save");
        assertEquals(1, train.exit(), train.err());
        assertTrue(train.err().contains("diverged") && train.err().contains("lower learning rate"), train.err());
        assertFalse(train.err().contains("whatever the learning rate"), train.err());
    }
}
