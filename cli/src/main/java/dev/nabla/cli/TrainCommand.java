package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.NonFiniteSearch;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.train.ConsoleProgress;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla train FILE}: compiles a model and trains it; flags override its train block. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Compile a model and train it on the data its train block names (or --data), then report"
                + " the test set and save the weights.")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;


    @picocli.CommandLine.Mixin
    PassOptions passes;

    @Option(names = "--data", paramLabel = "SPEC", description = "training data, e.g. data.csv, csv:f.csv,label=0,header=true,"
            + " x.npy,y.npy, images.gz,labels.gz, or one .npy per input and target: seq=seq.npy,extra=extra.npy,y=y.npy")
    String data;

    @Option(names = "--val", paramLabel = "SPEC", description = "a separate validation set")
    String validation;

    @Option(names = "--test", paramLabel = "SPEC", description = "a separate test set (instead of the train block's test or split)")
    String test;

    @ArgGroup(exclusive = true)
    Length length;

    static final class Length {
        @Option(names = "--epochs", paramLabel = "N", description = "passes over the training set")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "N", description = "stop after exactly N optimizer steps")
        Long steps;
    }

    @Option(names = "--batch", paramLabel = "B", description = "mini-batch size")
    Integer batch;

    @Option(names = "--lr", paramLabel = "X", description = "base learning rate")
    Double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, nesterov, adam, adamw or rmsprop, with PyTorch's defaults")
    String optimizer;

    @Option(names = "--seed", paramLabel = "S", description = "seed of initialisation, shuffling and splits")
    Long seed;

    @Option(names = "--threads", paramLabel = "T", description = "kernel threads (default: both cores)")
    Integer threads;

    @Option(names = "--no-shuffle", description = "keep the training set's order")
    boolean noShuffle;

    @Option(names = "--init", paramLabel = "CKPT", description = "start a new run from these weights (fine-tuning)")
    Path init;

    @Option(names = "--resume", paramLabel = "CKPT", description = "continue the run that saved this checkpoint: its "
            + "epoch count, shuffles, learning-rate schedule and random draws, as if it had never stopped")
    Path resume;

    @Option(names = "--save", paramLabel = "CKPT", description = "where to save the weights (default: FILE with .safetensors)")
    Path save;

    @Option(names = "--no-save", description = "do not save the weights")
    boolean noSave;

    @Option(names = "--repeat", paramLabel = "N", description = "train N times with seeds S, S+1, ...; report the test "
            + "metric as mean ± std with a 95%% interval (nothing is saved; --log gets the curves' mean and std)")
    Integer repeat;

    @Option(names = "--log", paramLabel = "CSV", description = "write one CSV row per epoch")
    Path log;

    @Option(names = "--plot", paramLabel = "SVG", description = "draw the loss and accuracy curves (and the layers' "
            + "gradient norms; with --repeat, each curve's mean with a band of ± one standard deviation over the seeds)")
    Path plot;

    @Option(names = "--no-health", description = "compile the training kernels without gradient health (norms, update "
            + "ratios, dead units) and print no health warnings")
    boolean noHealth;

    @Option(names = "--quiet", description = "print only the test-set result: no progress, epoch lines or warnings")
    boolean quiet;

    @Option(names = "--spark", paramLabel = "MASTER", description = "train on Apache Spark by synchronous data-parallel"
            + " SGD, e.g. local[2] or spark://host:7077 (docs/spark.md)")
    String spark;

    @Option(names = "--partitions", paramLabel = "N", description = "with --spark: partitions of the training data"
            + " (default: the master's parallelism)")
    Integer partitions;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "with --spark: also save the checkpoint every"
            + " N steps, to --resume from")
    Integer checkpointEvery;

    @Option(names = "--profile", description = "time every kernel; print where the training time went (after the "
            + "first epoch's warm-up)")
    boolean profile;

    @Override
    public Integer call() {
        OptionChecks.positive("--epochs", length == null ? null : length.epochs);
        OptionChecks.positive("--steps", length == null ? null : length.steps);
        OptionChecks.positive("--batch", batch);
        OptionChecks.threads(threads);
        OptionChecks.positive("--partitions", partitions);
        OptionChecks.positive("--checkpoint-every", checkpointEvery);
        if (spark == null && (partitions != null || checkpointEvery != null)) {
            throw new UserError("--partitions and --checkpoint-every go with --spark MASTER");
        }
        ModelIr ir = source.loadWithLoss(spec.commandLine().getErr(), "trained");
        if (profile && repeat != null) {
            throw new UserError("--profile times one run: leave out --repeat");
        }
        // --repeat reports the test metric over seeds, not health: its runs need no health kernels.
        CompiledModel compiled = CompiledModels.load(ir, optimizer, passes.disabled(), !noHealth && repeat == null, profile);
        Path base = Path.of(".");
        DataSpec trainData = data == null ? null : DataLoader.parse(data, base);
        DataSpec valData = validation == null ? null : DataLoader.parse(validation, base);
        DataSpec testData = test == null ? null : DataLoader.parse(test, base);
        if (init != null && resume != null) {
            throw new UserError("--init starts a new run from a checkpoint and --resume continues one: give only one");
        }
        TrainOptions options = options(compiled);
        if (spark != null) {
            return trainOnSpark(ir, compiled, options, trainData, valData, testData);
        }
        if (resume != null) {
            options = resumed(options, resume);
        }
        TrainingRun.Request request = new TrainingRun.Request(trainData, valData, testData, options,
                resume != null ? resume : init,
                noSave ? null : (save != null ? save : defaultCheckpoint(source.file)), log, plot);
        if (repeat != null) {
            for (Path out : new Path[] {log, plot}) {
                if (out != null) {
                    AtomicFiles.checkWritable(out, out == log ? "the log" : "the plot");
                }
            }
            SeedRuns runs = SeedRuns.train(ir.name(), compiled, request, repeat, quiet ? null : System.out);
            System.out.println(runs.summary().describe());
            if (log != null) {
                runs.writeCurves(log);
            }
            if (plot != null) {
                runs.plot(plot);
            }
            System.out.flush();
            return 0;
        }
        ProgressListener progress = quiet ? ProgressListener.NONE : ConsoleProgress.forConsole(System.out);
        KernelProfileTable profileTable = profile ? new KernelProfileTable(progress, options.epochs()) : null;
        TrainingRun.Report report = TrainingRun.train(compiled, request, profile ? profileTable : progress,
                NonFiniteSearch.probe(ir, passes.disabled(), compiled.spec()));
        if (profileTable != null) {
            profileTable.print(System.out);
        }
        if (report.test() != null) {
            System.out.println("test set:");
            System.out.print(report.test().report());
        }
        System.out.flush();
        return 0;
    }

    private int trainOnSpark(ModelIr ir, CompiledModel compiled, TrainOptions options, DataSpec trainData,
                             DataSpec valData, DataSpec testData) {
        if (repeat != null || profile) {
            throw new UserError((repeat != null ? "--repeat" : "--profile") + " trains on this machine; it does not go"
                    + " with --spark");
        }
        if (!passes.disabled().isEmpty()) {
            throw new UserError("--no-pass does not go with --spark (the model runs as nabla compile -o builds it)");
        }
        if (!SparkTraining.sparkPresent()) {
            throw new UserError("--spark needs Apache Spark on the class path: ./nabla adds it (from $SPARK_HOME/jars, or"
                    + " resolved by Maven from the spark module's dependencies); with plain java, add Spark's jars to -cp,"
                    + " or run the model jar with spark-submit (docs/spark.md)");
        }
        TrainingRun.Request request = new TrainingRun.Request(trainData, valData, testData, options,
                resume != null ? resume : init, noSave ? null : (save != null ? save : defaultCheckpoint(source.file)),
                log, plot);
        SparkTraining.train(ir, CompiledModels.optimizer(ir, optimizer), compiled, request, spark,
                partitions == null ? 0 : partitions, checkpointEvery == null ? 0 : checkpointEvery, resume != null);
        return 0;
    }

    /** The run the checkpoint's metadata describes, continued (its weights are loaded as --init's are). */
    private static TrainOptions resumed(TrainOptions options, Path checkpoint) {
        Map<String, String> meta = Safetensors.read(checkpoint).metadata();
        try {
            return options.resumingAfter(Integer.parseInt(meta.getOrDefault("epoch", "")),
                    Long.parseLong(meta.getOrDefault("step", "")));
        } catch (NumberFormatException e) {
            throw new UserError(checkpoint + ": no epoch and step to resume from (written by nabla train?)");
        }
    }

    private TrainOptions options(CompiledModel compiled) {
        TrainOptions o = TrainOptions.from(compiled.spec().train());
        if (optimizer != null && lr == null) {
            o = o.withLr(compiled.spec().optimizer().lr());
        }
        if (length != null && length.epochs != null) {
            o = o.withEpochs(length.epochs);
        }
        if (length != null && length.steps != null) {
            o = o.withSteps(length.steps);
        }
        if (batch != null) {
            o = o.withBatchSize(batch);
        }
        if (lr != null) {
            o = o.withLr(lr);
        }
        if (seed != null) {
            o = o.withSeed(seed);
        }
        if (threads != null) {
            o = o.withThreads(threads);
        }
        return noShuffle ? o.withShuffle(false) : o;
    }

    /** {@code samples/digits.nabla} saves to {@code samples/digits.safetensors}. */
    static Path defaultCheckpoint(Path modelFile) {
        String name = modelFile.getFileName().toString();
        String stem = name.endsWith(".nabla") ? name.substring(0, name.length() - ".nabla".length()) : name;
        return modelFile.resolveSibling(stem + ".safetensors");
    }
}
