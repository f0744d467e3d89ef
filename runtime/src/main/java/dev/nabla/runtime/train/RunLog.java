package dev.nabla.runtime.train;

import dev.nabla.runtime.checkpoint.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The per-epoch CSV log ({@code --log run.csv}): a header, then one row per epoch; empty cells for NaN. */
public final class RunLog {

    static final String HEADER = "epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds";

    private RunLog() {
    }

    public static String csv(List<EpochStats> history) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (EpochStats e : history) {
            s.append(e.epoch()).append(',').append(e.step()).append(',').append(e.samples()).append(',')
                    .append(number(e.trainLoss())).append(',').append(number(e.trainAccuracy())).append(',')
                    .append(number(e.valLoss())).append(',')
                    .append(number(e.valAccuracy())).append(',').append(number(e.lr())).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", e.seconds())).append('\n');
        }
        return s.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** Rewrites the whole log atomically, so it is complete after every epoch even if the run dies. */
    public static void write(Path file, List<EpochStats> history) {
        AtomicFiles.write(file, csv(history).getBytes(StandardCharsets.UTF_8));
    }
}
