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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * --resume continues the run itself: epoch 3's shuffle, Adam's step count and the random draws, so 2 epochs and
     * then --resume to 3 equal 3 epochs to the bit. (A constant learning rate, so the 2-epoch run is the start of the
     * 3-epoch one; TrainerTest resumes a cosine schedule mid-run.)
     */
    @Test
    void resume_continuesTheShuffleScheduleAndDraws_bitIdenticalToAnUninterruptedRun() throws IOException {
        String csv = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize().toString().replace("\\", "/");
        Path model = Files.writeString(dir.resolve("iris_resumed.nabla"), MODEL.formatted(csv));
        Path straight = dir.resolve("three.safetensors");
        Path two = dir.resolve("two.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        run("train", model.toString(), "--epochs", "3", "--save", straight.toString());
        run("train", model.toString(), "--epochs", "2", "--save", two.toString());
        CliRun r = CliRun.of("train", model.toString(), "--epochs", "3", "--resume", two.toString(), "--save", resumed.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("epoch 3/3"), r.out());
        assertFalse(r.out().contains("epoch 1/"), "a resumed run does not repeat epochs: " + r.out());
        Map<String, Safetensors.Tensor> a = Safetensors.read(straight).tensors();
        Map<String, Safetensors.Tensor> b = Safetensors.read(resumed).tensors();
        a.forEach((name, t) -> assertArrayEquals(t.data(), b.get(name).data(), name));
        assertEquals(Safetensors.read(straight).metadata().get("step"), Safetensors.read(resumed).metadata().get("step"));

        CliRun done = CliRun.of("train", model.toString(), "--epochs", "3", "--resume", straight.toString(), "--no-save");
        assertEquals(1, done.exit());
        assertTrue(done.err().contains("nothing is left to resume"), done.err());
        CliRun both = CliRun.of("train", model.toString(), "--init", two.toString(), "--resume", two.toString());
        assertEquals(1, both.exit());
        assertTrue(both.err().contains("give only one"), both.err());
    }

    private static void run(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exit(), r.err());
    }
}
