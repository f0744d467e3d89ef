package dev.nabla.compiler;

import dev.nabla.runtime.TrainConfig;

import java.util.Map;
import java.util.TreeMap;

/** A stable text form of a model's train block for golden files (record toString of maps has no stable order). */
final class ConfigText {

    private ConfigText() {
    }

    static String of(ModelIr m) {
        TrainConfig c = m.config();
        return "model " + m.name() + " from " + m.sourceFile() + "\n"
                + "targetClasses " + new TreeMap<>(m.targetClasses()) + "\n"
                + "optimizer " + c.optimizer() + "\n"
                + "schedule " + c.schedule() + "\n"
                + "batch " + c.batchSize() + " epochs " + c.epochs() + " clip " + c.clipNorm() + " seed " + c.seed()
                + " shuffle " + c.shuffle() + " dropLast " + c.dropLast() + "\n"
                + "train " + data(c.trainData()) + "\n"
                + "test " + data(c.testData()) + "\n"
                + "split " + c.testSplit() + " validation " + c.validationSplit() + " earlyStopping " + c.earlyStopping() + "\n"
                + "preprocess " + c.preprocess() + "\n";
    }

    private static String data(TrainConfig.DataSpec d) {
        if (d == null) {
            return "none";
        }
        Map<String, String> sorted = new TreeMap<>(d.options());
        return d.format() + " " + d.paths() + " " + sorted;
    }
}
