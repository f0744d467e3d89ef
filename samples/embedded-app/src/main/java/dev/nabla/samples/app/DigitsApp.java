package dev.nabla.samples.app;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.train.TrainResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Classifies 8x8 handwritten digits with the model the Nabla Maven plugin compiled from src/main/nabla/digits.nabla
 * into the class {@link Digits}, and fine-tunes it on labelled digits.
 *
 * <pre>
 * classify DIGITS.csv [--weights CKPT]            one label per line; a row is 64 pixel values 0..16 (a 65th, the label, is ignored)
 * finetune TRAIN.csv EPOCHS OUT.safetensors       fine-tune on rows of 64 pixels and a label, save the weights
 * </pre>
 */
public final class DigitsApp {

    private DigitsApp() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String... args) {
        try {
            if (args.length >= 2 && args[0].equals("classify")) {
                Digits model = args.length == 4 && args[2].equals("--weights") ? Digits.load(Path.of(args[3])) : Digits.load();
                for (float[] pixels : rows(Path.of(args[1]))) {
                    out.println(model.classify(pixels));
                }
                return 0;
            }
            if (args.length == 4 && args[0].equals("finetune")) {
                Digits model = Digits.load();
                Digits.Trainer trainer = model.trainer(model.trainOptions().withEpochs(Integer.parseInt(args[2])));
                TrainResult result = trainer.fit(DataLoader.load(DataLoader.parse(args[1], Path.of("."))));
                model.save(Path.of(args[3]));
                out.printf("fine-tuned for %d steps, loss %.4f; saved %s%n", result.steps(),
                        result.history().get(result.history().size() - 1).trainLoss(), args[3]);
                return 0;
            }
            System.err.println("usage: classify DIGITS.csv [--weights CKPT] | finetune TRAIN.csv EPOCHS OUT.safetensors");
            return 1;
        } catch (NablaException | IllegalArgumentException | IOException e) {
            System.err.println("error: " + (e instanceof NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage()));
            return 1;
        }
    }

    /** The first 64 values of every non-empty line. */
    static List<float[]> rows(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).map(line -> {
            String[] cells = line.split(",");
            if (cells.length < Digits.PIXELS_SIZE) {
                throw new IllegalArgumentException(csv + ": a row has " + cells.length + " values, a digit needs "
                        + Digits.PIXELS_SIZE);
            }
            float[] pixels = new float[Digits.PIXELS_SIZE];
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = Float.parseFloat(cells[j].trim());
            }
            return pixels;
        }).toList();
    }
}
