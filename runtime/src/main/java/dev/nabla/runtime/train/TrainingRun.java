package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.kernels.Gemm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole of {@code nabla train}, {@code eval} and {@code predict} on a compiled model: data from the model's
 * {@code train} block or the command line, the held-out splits, preprocessing fitted on the training part,
 * initialisation (or a checkpoint), training with per-epoch checkpoint, log and plot, and the test evaluation.
 */
public final class TrainingRun {

    /**
     * What {@code nabla train} asks for beyond the model's train block; {@code null} fields fall back to it
     * ({@code data}, {@code validation}, {@code test}) or are off ({@code init}, {@code save}, {@code log},
     * {@code plot}). A {@code test} set replaces the block's {@code test} and {@code split}.
     */
    public record Request(DataSpec data, DataSpec validation, DataSpec test, TrainOptions options, Path init, Path save,
                          Path log, Path plot) {

        /** Without a separate test set: the train block's, if any. */
        public Request(DataSpec data, DataSpec validation, TrainOptions options, Path init, Path save, Path log, Path plot) {
            this(data, validation, null, options, init, save, log, plot);
        }
    }

    /** The outcome: the run, the test-set metrics ({@code null} without a test set), the checkpoint written. */
    public record Report(TrainResult result, Evaluation test, Path saved) {
    }

    /** The data of a run after splits and preprocessing; {@code validation} and {@code test} may be null. */
    record Sets(Dataset train, Dataset validation, Dataset test, Preprocessing preprocessing) {
    }

    private TrainingRun() {
    }

    /**
     * The start of a run: its options (with the checkpoint's step count), its buffers initialized from the seed or
     * loaded from {@code request.init()}, and the checkpoint's preprocessing when it has one, which the run keeps.
     */
    private record Start(TrainOptions options, float[][] buffers, Preprocessing kept) {

        static Start of(ModelSpec spec, Request request) {
            TrainOptions options = request.options();
            if (options.threads() > 0) {
                Gemm.setThreads(options.threads());
            }
            float[][] buffers = spec.allocate(options.batchSize());
            Initializer.initialize(spec, buffers, options.seed());
            Preprocessing kept = null;
            if (request.init() != null) {
                Map<String, String> meta = Checkpoint.load(request.init(), spec, buffers);
                options = options.withFirstStep(Checkpoint.metadataLong(request.init(), meta, "step", 0));
                Preprocessing saved = Preprocessing.fromMetadata(meta);
                kept = saved.fitted() ? saved : null;
            }
            return new Start(options, buffers, kept);
        }
    }

    public static Report train(CompiledModel model, Request request, ProgressListener progress) {
        return train(model, request, progress, DivergenceProbe.NONE);
    }

    /** As {@link #train(CompiledModel, Request, ProgressListener)}, naming the op behind a non-finite loss by {@code probe}. */
    public static Report train(CompiledModel model, Request request, ProgressListener progress, DivergenceProbe probe) {
        ModelSpec spec = model.spec();
        // Checked before the first epoch, which replaces the checkpoint: a log path that is a directory must not
        // fail only then.
        for (Map.Entry<String, Path> out : outputs(request).entrySet()) {
            AtomicFiles.checkWritable(out.getValue(), out.getKey());
        }
        Start start = Start.of(spec, request);
        TrainOptions options = start.options();
        float[][] buffers = start.buffers();
        Preprocessing kept = start.kept();
        Sets sets = load(spec, request, options.seed(), kept);
        progress.info(describe(sets));
        if (request.init() != null) {
            progress.info("starting from " + request.init() + " (step " + options.firstStep() + ")"
                    + (kept != null ? " with its preprocessing" : ""));
        }
        Map<String, String> metadata = metadata(spec, options, sets.preprocessing());
        List<EpochStats> history = new ArrayList<>();
        long firstStep = options.stepOffset();
        Trainer.EpochListener saver = (stats, best) -> {
            history.add(stats);
            if (request.save() != null && best) {
                metadata.put("epoch", Integer.toString(stats.epoch()));
                metadata.put("step", Long.toString(firstStep + stats.step()));
                Checkpoint.save(request.save(), spec, buffers, metadata);
            }
            writeCurves(request, spec.name(), history);
        };
        TrainResult result = new Trainer(model, options, progress, saver, probe).train(buffers, sets.train(), sets.validation());
        Evaluation test = sets.test() == null ? null : Evaluator.evaluate(model, buffers, sets.test(), options.batchSize());
        if (request.save() != null) {
            progress.info("saved " + request.save() + " (epoch " + result.bestEpoch() + ")");
        }
        return new Report(result, test, request.save());
    }

    /** Rewrites the request's log and plot, if it names them, with the epochs so far (after every epoch). */
    public static void writeCurves(Request request, String model, List<EpochStats> history) {
        if (request.log() != null) {
            RunLog.write(request.log(), history);
        }
        if (request.plot() != null) {
            LossPlot.write(request.plot(), model + ": loss and accuracy", history);
        }
    }

    /**
     * The learning-rate range test ({@link LrFinder}) on the training part of the run {@code request} describes:
     * same data, splits and preprocessing (a checkpoint's own, as train keeps it), initial weights from the seed or
     * {@code request.init()}; nothing is saved.
     */
    public static LrFinder.Result findLr(CompiledModel model, Request request, double start, double end, int steps) {
        Start run = Start.of(model.spec(), request);
        Sets sets = load(model.spec(), request, run.options().seed(), run.kept());
        return LrFinder.run(model, run.buffers(), sets.train(), run.options().batchSize(), start, end, steps,
                run.options().seed());
    }

    /**
     * The data of a training run as {@code train} splits it, before preprocessing: the training part, and the
     * validation and test parts when the request or the train block has them ({@code null} otherwise). Every set is
     * bound to the model's inputs and targets. A distributed trainer starts from this, to train on exactly the rows
     * one machine would.
     */
    public record Split(Dataset train, Dataset validation, Dataset test) {
    }

    /**
     * Loads and splits the data of a training run. Every set is bound to the model's inputs and targets first, so that
     * splits keep their fields' rows aligned.
     */
    public static Split split(ModelSpec spec, Request request, long seed) {
        TrainConfig config = spec.train();
        DataSpec source = request.data() != null ? request.data() : config.trainData();
        if (source == null) {
            throw new NablaException("model " + spec.name() + " has no training data: name it with `data = ...` in its train block or pass --data");
        }
        Dataset all = bound(source, spec);
        Dataset test = null;
        if (request.test() != null || config.testData() != null) {
            test = bound(request.test() != null ? request.test() : config.testData(), spec);
        } else if (config.testSplit() > 0) {
            Datasets.Split split = Datasets.split(all, config.testSplit(), seed, "test");
            all = split.kept();
            test = split.heldOut();
        }
        Dataset validation = null;
        if (request.validation() != null) {
            validation = bound(request.validation(), spec);
        } else if (config.validationSplit() > 0) {
            Datasets.Split split = Datasets.split(all, config.validationSplit(), seed, "validation");
            all = split.kept();
            validation = split.heldOut();
        }
        return new Split(all, validation, test);
    }

    /**
     * Loads, splits ({@link #split}), preprocesses and checks the data of a training run. Preprocessing is fitted on
     * the training part; {@code kept}, when not null, is used instead of fitting: the preprocessing of the checkpoint a
     * run starts from, which its weights expect (fine-tuning on new data must not move the inputs under them).
     */
    static Sets load(ModelSpec spec, Request request, long seed, Preprocessing kept) {
        Split split = split(spec, request, seed);
        Preprocessing pre = kept != null ? kept : Preprocessing.fit(spec.train().preprocess(), split.train());
        return new Sets(ready(split.train(), pre, spec, true),
                split.validation() == null ? null : ready(split.validation(), pre, spec, true),
                split.test() == null ? null : ready(split.test(), pre, spec, true), pre);
    }

    /** The data of {@code source} with its fields bound to the model's inputs and targets. */
    private static Dataset bound(DataSpec source, ModelSpec spec) {
        return Datasets.bind(DataLoader.load(source, spec), spec, true);
    }

    /** Preprocessed and checked against the model. */
    private static Dataset ready(Dataset bound, Preprocessing pre, ModelSpec spec, boolean withTargets) {
        return Datasets.check(pre.apply(bound), spec, withTargets);
    }

    private static String describe(Sets sets) {
        return "training on " + sets.train().rows() + " samples"
                + (sets.validation() == null ? "" : ", validating on " + sets.validation().rows())
                + (sets.test() == null ? "" : ", testing on " + sets.test().rows());
    }

    private static Map<String, Path> outputs(Request request) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (request.save() != null) {
            out.put("the checkpoint", request.save());
        }
        if (request.log() != null) {
            out.put("the log", request.log());
        }
        if (request.plot() != null) {
            out.put("the plot", request.plot());
        }
        return out;
    }

    /**
     * The metadata every checkpoint of a training run carries (format, model, optimizer, seed, preprocessing); the
     * trainer adds {@code epoch} and {@code step} when it saves.
     */
    public static Map<String, String> metadata(ModelSpec spec, TrainOptions options, Preprocessing pre) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "nabla");
        m.put("model", spec.name());
        m.put("optimizer", spec.optimizer().kind().name().toLowerCase());
        m.put("seed", Long.toString(options.seed()));
        m.putAll(pre.toMetadata());
        return m;
    }

    /**
     * {@code nabla eval}: the checkpoint's model on {@code data}, or without it on the model's test set (its
     * {@code test} data, or the {@code split} held out of its training data with the checkpoint's seed, exactly
     * the rows training never saw). Preprocessing comes from the checkpoint.
     */
    public static Evaluation evaluate(CompiledModel model, Path checkpoint, DataSpec data, int batch) {
        ModelSpec spec = model.spec();
        float[][] buffers = spec.allocate(batch);
        Map<String, String> meta = Checkpoint.load(checkpoint, spec, buffers);
        Dataset set = data != null ? bound(data, spec) : heldOutTestSet(spec, checkpoint, meta);
        return Evaluator.evaluate(model, buffers, ready(set, Preprocessing.fromMetadata(meta), spec, true), batch);
    }

    private static Dataset heldOutTestSet(ModelSpec spec, Path checkpoint, Map<String, String> meta) {
        TrainConfig config = spec.train();
        if (config.testData() != null) {
            return bound(config.testData(), spec);
        }
        if (config.testSplit() > 0 && config.trainData() != null) {
            long seed = Checkpoint.metadataLong(checkpoint, meta, "seed", config.seed());
            return Datasets.split(bound(config.trainData(), spec), config.testSplit(), seed, "test").heldOut();
        }
        throw new NablaException("model " + spec.name() + " names no test set (`test = ...` or `split = ...`): pass --data");
    }

    /**
     * {@code nabla predict}: outputs of the checkpoint's model for every sample of {@code inputs} (labels in the
     * file are ignored; a CSV without a label column is recognised by its width).
     *
     * @param output the OUTPUT to report, or {@code null} for the first
     */
    public static Predictions predict(CompiledModel model, Path checkpoint, DataSpec inputs, int batch, String output) {
        float[][] buffers = model.spec().allocate(batch);
        Map<String, String> meta = Checkpoint.load(checkpoint, model.spec(), buffers);
        return predict(model, buffers, Preprocessing.fromMetadata(meta), inputs, batch, output);
    }

    /**
     * {@link #predict(CompiledModel, Path, DataSpec, int, String)} with the weights already in {@code buffers} (from
     * {@code spec.allocate(batch)}) and the preprocessing they were trained with.
     */
    public static Predictions predict(CompiledModel model, float[][] buffers, Preprocessing preprocessing, DataSpec inputs,
                                      int batch, String output) {
        ModelSpec spec = model.spec();
        Dataset set = DataLoader.load(inputs, spec);
        List<Integer> modelInputs = spec.indicesOf(BufferRole.INPUT);
        boolean oneInput = modelInputs.size() == 1 && set.inputs().size() == 1;
        if (oneInput && set.hasTargets() && set.featureCount() + 1 == spec.buffers().get(modelInputs.get(0)).rowSize()
                && !inputs.options().containsKey("label")) {
            Map<String, String> options = new LinkedHashMap<>(inputs.options());
            options.put("label", "none");
            set = DataLoader.load(new DataSpec(inputs.format(), inputs.paths(), options), spec);
        }
        Dataset inputsOnly = Datasets.bind(set, spec, false);
        return Predictor.predict(model, buffers, ready(inputsOnly, preprocessing, spec, false), batch, output);
    }
}
