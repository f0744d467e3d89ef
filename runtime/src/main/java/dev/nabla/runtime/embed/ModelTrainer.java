package dev.nabla.runtime.embed;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Field;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.kernels.Gemm;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainResult;
import dev.nabla.runtime.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes an {@link EmbeddedModel} with the training kernels and optimizer compiled into its jar: exactly what
 * {@code nabla train --init CHECKPOINT} does with the same data, options and seed (the model's preprocessing is
 * applied to the raw data, the optimizer state and step count continue from the weights), then the model's weights
 * are the trained ones. Training runs on buffers of its own; the model's weights change only when {@code fit}
 * returns, all at once: a {@code predict} on the same instance meanwhile uses the weights from before (two
 * {@code fit}s on one instance must not overlap).
 */
public class ModelTrainer {

    private final EmbeddedModel model;
    private final TrainOptions options;
    private ProgressListener progress = ProgressListener.NONE;

    protected ModelTrainer(EmbeddedModel model, TrainOptions options) {
        if (model.manifest().inferenceOnly()) {
            throw new NablaException("model " + model.spec().name() + " was compiled with --inference-only: its jar has no"
                    + " training kernels; compile it without --inference-only to fine-tune it");
        }
        this.model = model;
        this.options = options;
    }

    /** Hears about every epoch and step, e.g. {@code ConsoleProgress.forConsole(System.out)}. */
    public final ModelTrainer progress(ProgressListener listener) {
        this.progress = listener;
        return this;
    }

    /** Fine-tunes on raw data (as {@code DataLoader.load} reads it: features and targets, not yet preprocessed). */
    public final TrainResult fit(Dataset raw) {
        return fit(raw, null);
    }

    /** With a validation set, which early stopping ({@code options.withPatience}) watches. */
    public final TrainResult fit(Dataset raw, Dataset validation) {
        ModelSpec spec = model.spec();
        TrainOptions run = options.withFirstStep(model.step());
        if (run.threads() > 0) {
            Gemm.setThreads(run.threads());
        }
        Dataset train = ready(raw);
        float[][] buffers = spec.allocate(run.batchSize());
        Initializer.initialize(spec, buffers, run.seed());
        model.copyWeightsTo(buffers);
        TrainResult result = new Trainer(model.kernels(), run, progress, (stats, best) -> { })
                .train(buffers, train, validation == null ? null : ready(validation));
        model.publish(buffers, Map.of("seed", Long.toString(run.seed()), "epoch", Integer.toString(result.bestEpoch()),
                "step", Long.toString(run.firstStep() + result.steps())));
        return result;
    }

    private Dataset ready(Dataset raw) {
        ModelSpec spec = model.spec();
        return Datasets.check(model.preprocessing().apply(Datasets.bind(raw, spec, true)), spec, true);
    }

    /**
     * Fine-tunes on arrays: {@code inputs[i]} holds {@code count} examples of input i, {@code targets[t]}
     * {@code count} values (class labels as numbers) of target t, in the model's order.
     */
    protected final TrainResult fitArrays(float[][] inputs, float[][] targets, int count) {
        ModelSpec spec = model.spec();
        return fit(new Dataset("arrays", fields(spec, BufferRole.INPUT, inputs, count),
                fields(spec, BufferRole.TARGET, targets, count), null));
    }

    private static List<Field> fields(ModelSpec spec, BufferRole role, float[][] values, int count) {
        List<Integer> buffers = spec.indicesOf(role);
        if (count < 1) {
            throw new IllegalArgumentException("fine-tuning needs at least one example, count is " + count);
        }
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < buffers.size(); i++) {
            BufferSpec b = spec.buffers().get(buffers.get(i));
            int w = b.rowSize();
            if (values[i].length < (long) w * count) {
                throw new IllegalArgumentException(spec.name() + ": " + role.name().toLowerCase() + " " + b.name() + " "
                        + EmbeddedModel.shape(b) + " takes " + w + " values per example, so " + count + " examples need "
                        + (long) w * count + " values, got " + values[i].length);
            }
            int[] sample = Arrays.copyOfRange(b.shape(), 1, b.rank());
            out.add(new Field(b.name(), "arrays", sample.length == 0 ? new int[] {1} : sample,
                    Arrays.copyOf(values[i], w * count), false, false));
        }
        return out;
    }

    /** Class labels as the float targets the kernels read. */
    protected static float[] labels(int[] labels) {
        float[] out = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i];
        }
        return out;
    }
}
