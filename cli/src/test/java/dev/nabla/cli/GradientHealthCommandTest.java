package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nabla train's gradient health on 8-layer MLPs on the digits: vanishing gradients with sigmoid and a small normal
 * initialization, none with ReLU and He's; exploding gradients with a huge learning rate (in the divergence error) or a
 * huge initialization under clipping; the CSV columns and the plot panel; --quiet and --no-health.
 */
class GradientHealthCommandTest {

    @TempDir
    Path dir;

    /** Layers h1..h8 on lines 5..12, logits on line 13. */
    private Path deep(String name, String activation, String init, double lr, String extra) throws IOException {
        String data = Path.of("../samples/data/digits.csv.gz").toAbsolutePath().normalize().toString().replace("\\", "/");
        StringBuilder s = new StringBuilder("model " + name + " {\n    input pixels : f32[B, 64]\n"
                + "    target digit : i32[B] classes 10\n\n");
        String previous = "pixels";
        for (int l = 1; l <= 8; l++) {
            s.append(String.format("    h%d = dense(%s, 32, activation = %s, init = %s)%n", l, previous, activation, init));
            previous = "h" + l;
        }
        s.append("    logits = dense(h8, 10, init = ").append(init).append(")\n")
                .append("    output probs = softmax(logits)\n    loss = cross_entropy(logits, digit)\n")
                .append("    train {\n        data = csv(\"").append(data).append("\", layout = \"sklearn\")\n")
                .append("        split = 0.2\n        preprocess = scale\n")
                .append("        optimizer = sgd(lr = ").append(lr).append(", momentum = 0.9)\n")
                .append("        batch = 32\n        epochs = 1\n        seed = 7\n").append(extra).append("    }\n}\n");
        return Files.writeString(dir.resolve(name + ".nabla"), s.toString());
    }

    @Test
    void vanishing_firesOnADeepSigmoidMlpWithSmallNormalInit_namingEachLayerAndItsLine() throws IOException {
        Path sigmoid = deep("DeepSigmoid", "sigmoid", "normal(0.01)", 0.05, "");
        Path log = dir.resolve("sigmoid.csv");
        Path plot = dir.resolve("sigmoid.svg");
        CliRun r = CliRun.of("train", sigmoid.toString(), "--no-save", "--log", log.toString(), "--plot", plot.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  warning: vanishing gradients in 7 layers (the largest gradient norm: layer logits "
                + "(DeepSigmoid.nabla:13)"), r.out());
        assertTrue(r.out().contains("    layer h1 (DeepSigmoid.nabla:5): ||grad h1.W|| = "), r.out());
        assertTrue(r.out().contains("    layer h7 (DeepSigmoid.nabla:11): ||grad h7.W|| = "), r.out());
        assertTrue(r.out().contains("Try He (ReLU) or Glorot (tanh, sigmoid) initialization, batch normalization"), r.out());
        assertFalse(r.out().contains("layer h8 (DeepSigmoid.nabla:12)"), "h8 is within 1e-3 of the largest: " + r.out());

        List<String> csv = Files.readAllLines(log);
        List<String> header = List.of(csv.get(0).split(","));
        assertTrue(header.containsAll(List.of("grad_norm[h1.W]", "weight_norm[h1.W]", "update_ratio[h1.W]",
                "grad_norm[logits.b]", "clipped_steps")), csv.get(0));
        assertFalse(header.stream().anyMatch(c -> c.startsWith("dead_units")), "sigmoid is not ReLU-family");
        List<String> row = List.of(csv.get(1).split(",", -1));
        double h1 = Double.parseDouble(row.get(header.indexOf("grad_norm[h1.W]")));
        double logits = Double.parseDouble(row.get(header.indexOf("grad_norm[logits.W]")));
        assertTrue(h1 > 0 && h1 < 1e-3 * logits, h1 + " vs " + logits);
        String svg = Files.readString(plot);
        assertTrue(svg.contains("gradient norm per layer") && svg.contains(">h1.W<") && svg.contains(">1e-15<"), svg);
    }

    @Test
    void noWarning_onTheSameDepthWithReluAndHeInit_andQuietOrNoHealthStayTerse() throws IOException {
        Path relu = deep("DeepRelu", "relu", "he_normal", 0.05, "");
        Path log = dir.resolve("relu.csv");
        CliRun r = CliRun.of("train", relu.toString(), "--no-save", "--log", log.toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("warning"), r.out());
        assertTrue(Files.readAllLines(log).get(0).contains("dead_units[h1]"), "ReLU layers get dead-unit columns");

        CliRun quiet = CliRun.of("train", relu.toString(), "--no-save", "--quiet");
        assertEquals(0, quiet.exit(), quiet.err());
        assertTrue(quiet.out().startsWith("test set:\n359 samples  loss "), quiet.out());
        assertFalse(quiet.out().contains("epoch"), quiet.out());

        Path sigmoid = deep("DeepSigmoid", "sigmoid", "normal(0.01)", 0.05, "");
        Path plain = dir.resolve("plain.csv");
        CliRun off = CliRun.of("train", sigmoid.toString(), "--no-save", "--no-health", "--log", plain.toString());
        assertEquals(0, off.exit(), off.err());
        assertTrue(off.out().contains("epoch 1/1  train loss"), off.out());
        assertFalse(off.out().contains("warning"), off.out());
        assertEquals("epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds",
                Files.readAllLines(plain).get(0));
    }

    @Test
    void exploding_firesWithAHugeLearningRate_whenTheLossBreaks() throws IOException {
        Path huge = deep("HugeLr", "relu", "he_normal", 3.0, "");
        CliRun r = CliRun.of("train", huge.toString(), "--no-save");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("training diverged at epoch 1"), r.err());
        assertTrue(r.err().contains("  warning: exploding gradients in 9 layers:\n    layer h1 (HugeLr.nabla:5): "), r.err());
        assertTrue(r.err().contains("times its first step's (threshold 100)"), r.err());
        assertTrue(r.err().contains("Try a lower learning rate, gradient clipping (clip = 1.0 in the train block)"), r.err());
    }

    @Test
    void exploding_firesWithAHugeInit_whenClippingIsActiveOnMostSteps() throws IOException {
        Path huge = deep("HugeInit", "relu", "normal(1.0)", 0.05, "        clip = 1.0\n");
        Path log = dir.resolve("huge.csv");
        CliRun r = CliRun.of("train", huge.toString(), "--no-save", "--log", log.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  warning: exploding gradients: clipping scaled the gradients down on 100% of the "
                + "steps (threshold 50%)"), r.out());
        List<String> csv = Files.readAllLines(log);
        assertTrue(csv.get(1).endsWith(",1.00000"), "clipped_steps: " + csv.get(1));
    }
}
