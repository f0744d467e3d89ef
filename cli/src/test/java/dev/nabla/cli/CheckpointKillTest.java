package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} during checkpoint saves: a child JVM trains a wide model (a 3 MB checkpoint with Adam's state) on
 * iris for many short epochs, saving after each; the test watches the directory and kills the child a seeded random
 * number of microseconds after a save's temporary file appears. After every kill the checkpoint must load and
 * evaluate (the previous save intact, never a torn file); after the next run completes, no temporary file may remain.
 */
class CheckpointKillTest {

    private static final int KILLS = 4;
    /**
     * Children started at most: a kill counts only if it landed while a save's temporary file existed, and on a loaded
     * machine an epoch can outlast the watch, so the test starts more children until {@link #KILLS} kills landed.
     */
    private static final int MAX_CHILDREN = 12;

    private static Path model(Path dir) throws IOException {
        Path data = Path.of("../samples/data/iris.csv").toAbsolutePath().normalize();
        Path file = dir.resolve("wide.nabla");
        Files.writeString(file, """
                model Wide {
                    input x : f32[B, 4]
                    target species : i32[B] classes 3
                    h = dense(x, 500, activation = relu)
                    h2 = dense(h, 500, activation = relu)
                    logits = dense(h2, 3)
                    output probs = softmax(logits)
                    loss = cross_entropy(logits, species)
                    train {
                        data = csv("%s", layout = "sklearn")
                        split = 0.2
                        optimizer = adam(lr = 0.0001)
                        batch = 64
                        seed = 1
                    }
                }
                """.formatted(data.toString().replace("\\", "/")));
        return file;
    }

    @Test
    void killedDuringSaves_previousCheckpointIntact_noTempFileAfterNextRun(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path model = model(dir);
        Path checkpoint = dir.resolve("wide.safetensors");
        Random random = new Random(20261130);
        int killsDuringASave = 0;
        for (int k = 0; k < MAX_CHILDREN && killsDuringASave < KILLS; k++) {
            Process child = train(model, checkpoint, dir.resolve("child" + k + ".log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(checkpoint) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<Path> before = temporaries(dir);
            boolean inSave = false;
            long watch = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!inSave && child.isAlive() && System.nanoTime() < watch) {
                inSave = !before.containsAll(temporaries(dir));
            }
            long until = System.nanoTime() + random.nextInt(3000) * 1000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child exits");
            killsDuringASave += inSave ? 1 : 0;
            CliRun eval = CliRun.of("eval", model.toString(), "--weights", checkpoint.toString());
            assertEquals(0, eval.exit(), "after kill " + k + " the checkpoint loads: " + eval.err()
                    + Files.readString(dir.resolve("child" + k + ".log")));
            assertTrue(eval.out().contains("accuracy"), eval.out());
        }
        assertEquals(KILLS, killsDuringASave, "kills that landed in a save, of " + MAX_CHILDREN + " children at most");
        CliRun next = CliRun.of("train", model.toString(), "--epochs", "1", "--save", checkpoint.toString());
        assertEquals(0, next.exit(), next.err());
        assertEquals(List.of(), temporaries(dir), "the next run's save removes what killed saves left");
    }

    /** {@code nabla train} in a child JVM on this test's class path, for far more epochs than it will live. */
    private static Process train(Path model, Path checkpoint, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", model.toString(),
                "--epochs", "100000", "--save", checkpoint.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
