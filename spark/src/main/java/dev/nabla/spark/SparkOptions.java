package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link NablaSpark#train} runs: the runtime's {@link TrainOptions} (epochs or steps, global batch, learning
 * rate, schedule, clipping, seed, shuffle, early stopping, kernel threads per task) and what distribution adds.
 * Immutable; every {@code with*} returns a changed copy. Start from {@link #from(TrainOptions)}, e.g.
 * {@code SparkOptions.from(TrainOptions.from(config)).withSave(Path.of("m.safetensors")).withCheckpointEvery(100)}.
 */
public final class SparkOptions {

    /** Partial results that go straight to the driver before a tree level is added (see {@link Combine}). */
    public static final int DEFAULT_FAN_IN = 16;

    private final TrainOptions train;
    private final int partitions;
    private final int fanIn;
    private final Path save;
    private final int checkpointEvery;
    private final Path init;
    private final boolean resume;
    private final Map<String, String> columns;
    private final String model;
    private final Preprocessing preprocessing;
    private final Dataset<Row> validation;
    private final ProgressListener progress;
    private final TaskHook hook;

    private SparkOptions(TrainOptions train, int partitions, int fanIn, Path save, int checkpointEvery, Path init,
                         boolean resume, Map<String, String> columns, String model, Preprocessing preprocessing,
                         Dataset<Row> validation, ProgressListener progress, TaskHook hook) {
        this.train = train;
        this.partitions = partitions;
        this.fanIn = fanIn;
        this.save = save;
        this.checkpointEvery = checkpointEvery;
        this.init = init;
        this.resume = resume;
        this.columns = Map.copyOf(columns);
        this.model = model;
        this.preprocessing = preprocessing;
        this.validation = validation;
        this.progress = progress;
        this.hook = hook;
    }

    public static SparkOptions from(TrainOptions train) {
        return new SparkOptions(train, 0, DEFAULT_FAN_IN, null, 0, null, false, Map.of(), null, null, null,
                ProgressListener.NONE, TaskHook.NONE);
    }

    /** Replaces the training options (epochs, batch, learning rate, seed, ...). */
    public SparkOptions withTrain(TrainOptions t) {
        return new SparkOptions(t, partitions, fanIn, save, checkpointEvery, init, resume, columns, model, preprocessing,
                validation, progress, hook);
    }

    /**
     * Splits the data into {@code n} partitions, each a contiguous run of rows in the data's order (0 keeps the
     * DataFrame's partitions). Each partition is one task per step.
     */
    public SparkOptions withPartitions(int n) {
        if (n < 0) {
            throw new NablaException("the number of partitions must be positive, got " + n);
        }
        return new SparkOptions(train, n, fanIn, save, checkpointEvery, init, resume, columns, model, preprocessing,
                validation, progress, hook);
    }

    /** At most this many partial results are merged by one task, or by the driver at the top (at least 2). */
    public SparkOptions withFanIn(int n) {
        if (n < 2) {
            throw new NablaException("the aggregation fan-in must be at least 2, got " + n);
        }
        return new SparkOptions(train, partitions, n, save, checkpointEvery, init, resume, columns, model, preprocessing,
                validation, progress, hook);
    }

    /** Writes the checkpoint (safetensors) here, on the driver's file system, after every epoch and at the end. */
    public SparkOptions withSave(Path checkpoint) {
        return new SparkOptions(train, partitions, fanIn, checkpoint, checkpointEvery, init, resume, columns, model,
                preprocessing, validation, progress, hook);
    }

    /** Also writes the checkpoint every {@code steps} optimizer steps (0 = only at epoch ends), to resume from. */
    public SparkOptions withCheckpointEvery(int steps) {
        if (steps < 0) {
            throw new NablaException("checkpoint interval must be a positive number of steps, got " + steps);
        }
        return new SparkOptions(train, partitions, fanIn, save, steps, init, resume, columns, model, preprocessing,
                validation, progress, hook);
    }

    /**
     * Starts a new run from a checkpoint's weights and optimizer state (fine-tuning, {@code nabla train --init}):
     * epochs count from 1; Adam's step count continues; the checkpoint's preprocessing is kept.
     */
    public SparkOptions withInit(Path checkpoint) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, checkpoint, false, columns, model,
                preprocessing, validation, progress, hook);
    }

    /**
     * Continues the run that wrote the checkpoint from its step ({@code nabla train --resume}), also from the middle of
     * an epoch: that epoch's shuffle, the schedule's position, the optimizer's step count and the random draws, so the
     * run ends with the weights of the uninterrupted one.
     */
    public SparkOptions withResume(Path checkpoint) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, checkpoint, true, columns, model,
                preprocessing, validation, progress, hook);
    }

    /**
     * Reads model input or target {@code buffer} from DataFrame column {@code column}. Without it a buffer is read from
     * the column of its name, a lone input from {@code features} and a lone target from {@code label} (Spark ML's
     * names) when there is no such column.
     */
    public SparkOptions withColumn(String buffer, String column) {
        Map<String, String> c = new LinkedHashMap<>(columns);
        c.put(buffer, column);
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, c, model, preprocessing,
                validation, progress, hook);
    }

    /** The model to train, by name, when the jar holds several. */
    public SparkOptions withModel(String name) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, columns, name,
                preprocessing, validation, progress, hook);
    }

    /**
     * Applies this already fitted preprocessing to the inputs instead of fitting the model's {@code preprocess} steps
     * on the training data (for example one fitted on the driver, or {@link Preprocessing#NONE} for data already
     * preprocessed). It goes into the checkpoint's metadata either way.
     */
    public SparkOptions withPreprocessing(Preprocessing fitted) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, columns, model, fitted,
                validation, progress, hook);
    }

    /** Evaluated after every epoch (loss and accuracy in the epoch's metrics; early stopping watches it). */
    public SparkOptions withValidation(Dataset<Row> data) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, columns, model,
                preprocessing, data, progress, hook);
    }

    /** Hears about every step and epoch, e.g. {@code ConsoleProgress.forConsole(System.out)}. */
    public SparkOptions withProgress(ProgressListener listener) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, columns, model,
                preprocessing, validation, listener, hook);
    }

    /** Runs at the start of every training task; tests inject failures with it. */
    SparkOptions withTaskHook(TaskHook h) {
        return new SparkOptions(train, partitions, fanIn, save, checkpointEvery, init, resume, columns, model,
                preprocessing, validation, progress, h);
    }

    public TrainOptions train() {
        return train;
    }

    public int partitions() {
        return partitions;
    }

    public int fanIn() {
        return fanIn;
    }

    public Path save() {
        return save;
    }

    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** The checkpoint to start from ({@link #withInit} or {@link #withResume}), or {@code null}. */
    public Path init() {
        return init;
    }

    /** Whether {@link #init()} is resumed rather than fine-tuned from. */
    public boolean resume() {
        return resume;
    }

    public Map<String, String> columns() {
        return columns;
    }

    public String model() {
        return model;
    }

    /** The fitted preprocessing to apply, or {@code null} to fit the model's steps on the training data. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Dataset<Row> validation() {
        return validation;
    }

    public ProgressListener progress() {
        return progress;
    }

    TaskHook hook() {
        return hook;
    }
}
