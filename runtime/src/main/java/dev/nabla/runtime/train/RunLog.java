package dev.nabla.runtime.train;

import dev.nabla.runtime.checkpoint.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The per-epoch CSV log ({@code --log run.csv}): a header, then one row per epoch; empty cells for NaN. A model
 * compiled with gradient health gets more columns: per parameter tensor {@code grad_norm[NAME]},
 * {@code weight_norm[NAME]} and {@code update_ratio[NAME]}, per ReLU-family activation {@code dead_units[NAME]} (the
 * fraction of its units never active in the epoch), and {@code clipped_steps} (the fraction of steps clipping scaled).
 */
public final class RunLog {

    static final String HEADER = "epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds";

    private RunLog() {
    }

    public static String csv(List<EpochStats> history) {
        EpochHealth layout = history.isEmpty() ? null : history.get(0).health();
        StringBuilder s = new StringBuilder(HEADER);
        if (layout != null) {
            layout.params().forEach(p -> s.append(",grad_norm[").append(p.name()).append("],weight_norm[").append(p.name())
                    .append("],update_ratio[").append(p.name()).append(']'));
            layout.activations().forEach(a -> s.append(",dead_units[").append(a.name()).append(']'));
            s.append(",clipped_steps");
        }
        s.append('\n');
        for (EpochStats e : history) {
            s.append(e.epoch()).append(',').append(e.step()).append(',').append(e.samples()).append(',')
                    .append(number(e.trainLoss())).append(',').append(number(e.trainAccuracy())).append(',')
                    .append(number(e.valLoss())).append(',')
                    .append(number(e.valAccuracy())).append(',').append(number(e.lr())).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", e.seconds()));
            if (layout != null && e.health() != null) {
                EpochHealth h = e.health();
                h.params().forEach(p -> s.append(',').append(number(p.gradNorm())).append(',')
                        .append(number(p.weightNorm())).append(',').append(number(p.updateRatio())));
                h.activations().forEach(a -> s.append(',').append(number(a.deadFraction())));
                s.append(',').append(number(h.clippedFraction()));
            }
            s.append('\n');
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
