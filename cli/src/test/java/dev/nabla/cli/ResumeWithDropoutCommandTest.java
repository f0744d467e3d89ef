package dev.nabla.cli;

import dev.nabla.runtime.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A model with dropout, trained for two epochs in one run or for one epoch and then resumed from its checkpoint
 * ({@code --init}) for another, ends with the same weights to the bit: the checkpoint holds the generator's step, so
 * the resumed run draws the masks the uninterrupted one drew (and Adam's moments and step count continue too).
 */
class ResumeWithDropoutCommandTest {

    @TempDir
    Path dir;

    static final String MODEL = """
            model DroppedIris {
                input x : f32[B, 4]
                target species : i32[B] classes 3
                h = dropout(dense(x, 16, activation = relu), 0.5)
                logits = dense(gaussian_dropout(h, 0.2), 3)
                output probs = softmax(logits)
                loss = cross_entropy(logits, species)
                train {
                    data = csv("%s", layout = "sklearn")
                    preprocess = standardize
                    optimizer = adam(lr = 0.01)
                    batch = 16
                    seed = 3
                }
            }
            """;

    @Test
    void resumingFromACheckpoint_drawsTheSameMasks_andEndsWithTheSameWeights() throws IOException {
        String csv = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize().toString().replace("\\", "/");
        Path model = Files.writeString(dir.resolve("iris_dropout.nabla"), MODEL.formatted(csv));
        Path straight = dir.resolve("straight.safetensors");
        Path half = dir.resolve("half.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        run("train", model.toString(), "--epochs", "2", "--no-shuffle", "--save", straight.toString());
        run("train", model.toString(), "--epochs", "1", "--no-shuffle", "--save", half.toString());
        run("train", model.toString(), "--epochs", "1", "--no-shuffle", "--init", half.toString(), "--save", resumed.toString());

        Map<String, Safetensors.Tensor> a = Safetensors.read(straight).tensors();
        Map<String, Safetensors.Tensor> b = Safetensors.read(resumed).tensors();
        assertEquals(a.keySet(), b.keySet());
        assertEquals(a.get("random.step").data()[0], b.get("random.step").data()[0], "the step state is checkpointed");
        a.forEach((name, t) -> assertArrayEquals(t.data(), b.get(name).data(), name));
        assertFalse(java.util.Arrays.equals(a.get("dense.W").data(), Safetensors.read(half).tensors().get("dense.W").data()),
                "the second epoch changed the weights");
    }

    private static void run(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exit(), r.err());
    }
}
