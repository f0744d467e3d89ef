package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.embed.EmbedOptions;
import dev.nabla.compiler.embed.ModelArtifact;
import dev.nabla.compiler.embed.ModelArtifacts;
import dev.nabla.compiler.embed.ModelJar;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.train.ConsoleProgress;
import dev.nabla.runtime.train.EpochStats;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.Evaluator;
import dev.nabla.runtime.train.ForwardingProgress;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainingRun;
import dev.nabla.spark.NablaSpark;
import dev.nabla.spark.SparkData;
import dev.nabla.spark.SparkOptions;
import dev.nabla.spark.SparkTrainResult;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code nabla train FILE --spark MASTER}: the model compiled to a jar (as {@code nabla compile -o} writes it), the
 * data loaded and split on the driver exactly as {@code nabla train} splits it, the training part distributed over
 * the partitions and trained by synchronous data-parallel SGD ({@link NablaSpark}), the test set evaluated on the
 * driver. This class refers to Spark's classes: {@link #sparkPresent()} is asked first, so that without Spark on the
 * class path {@code --spark} is a clear error and every other command works.
 */
final class SparkTraining {

    private static final String SPARK_SESSION = "org.apache.spark.sql.SparkSession";

    private SparkTraining() {
    }

    static boolean sparkPresent() {
        try {
            Class.forName(SPARK_SESSION, false, SparkTraining.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param compiled        the model compiled in-process, for the test evaluation on the driver
     * @param partitions      0: the master's default parallelism
     * @param checkpointEvery 0: at epoch ends only
     * @param resume          {@code request.init()} is resumed rather than started from
     */
    static void train(ModelIr ir, OptimizerSpec optimizer, CompiledModel compiled, TrainingRun.Request request,
                      String master, int partitions, int checkpointEvery, boolean resume) {
        Path jar = compileJar(new ModelIr(ir.name(), ir.sourceFile(), ir.train(), ir.inference(),
                ir.config().withOptimizer(optimizer), ir.targetClasses(), ir.evaluation()));
        ModelSpec spec = compiled.spec();
        TrainingRun.Split split = TrainingRun.split(spec, request, request.options().seed());
        Preprocessing pre = kept(request.init());
        if (pre == null) {
            pre = Preprocessing.fit(spec.train().preprocess(), split.train());
        }
        quietLogging();
        SparkSession spark = SparkSession.builder().master(master).appName("nabla train " + ir.sourceFile())
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            SparkOptions options = SparkOptions.from(request.options()).withPartitions(partitions)
                    .withPreprocessing(pre).withSave(request.save()).withCheckpointEvery(checkpointEvery)
                    .withProgress(progress(request, spec.name()));
            if (request.init() != null) {
                options = resume ? options.withResume(request.init()) : options.withInit(request.init());
            }
            if (split.validation() != null) {
                options = options.withValidation(SparkData.fromDataset(spark, split.validation(), partitions));
            }
            SparkTrainResult result = NablaSpark.train(spark, jar,
                    SparkData.fromDataset(spark, split.train(), partitions), options);
            System.out.println("spark " + master + ": " + result.timings().describe());
            if (split.test() != null) {
                System.out.println("test set:");
                System.out.print(test(compiled, result, pre, split, request).report());
            }
            System.out.flush();
        } finally {
            spark.stop();
        }
    }

    /**
     * The model jar, as {@code nabla compile -o} writes it but without compiling the façade: executors load the kernels
     * from the manifest and never touch the façade, so this run needs no javac (nor a JDK).
     */
    private static Path compileJar(ModelIr model) {
        try {
            Path jar = Files.createTempFile("nabla-" + model.name(), ".jar");
            jar.toFile().deleteOnExit();
            ModelArtifact artifact = ModelArtifacts.build(model, new EmbedOptions(EmbedOptions.DEFAULT_PACKAGE, false, null));
            ModelJar.write(jar, List.of(artifact), Map.of(), false);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The preprocessing of the checkpoint a run starts from, which its weights expect; null when it has none. */
    private static Preprocessing kept(Path init) {
        if (init == null) {
            return null;
        }
        Preprocessing saved = Preprocessing.fromMetadata(Safetensors.read(init).metadata());
        return saved.fitted() ? saved : null;
    }

    /** The console's progress, plus the log and plot rewritten after every epoch as {@code nabla train} does. */
    private static ProgressListener progress(TrainingRun.Request request, String model) {
        ConsoleProgress console = ConsoleProgress.forConsole(System.out);
        List<EpochStats> history = new ArrayList<>();
        return new ForwardingProgress(console) {
            @Override
            public void epochDone(EpochStats stats) {
                super.epochDone(stats);
                history.add(stats);
                TrainingRun.writeCurves(request, model, history);
            }
        };
    }

    private static Evaluation test(CompiledModel compiled, SparkTrainResult result, Preprocessing pre,
                                   TrainingRun.Split split, TrainingRun.Request request) {
        ModelSpec spec = compiled.spec();
        int batch = request.options().batchSize();
        float[][] buffers = spec.allocate(batch);
        Checkpoint.load("the trained weights", Safetensors.decode("the trained weights", result.checkpoint()), spec,
                buffers);
        return Evaluator.evaluate(compiled, buffers, Datasets.check(pre.apply(split.test()), spec, true), batch);
    }

    /**
     * Spark logs at INFO level to stderr by default; a command line wants errors only. A configuration the user gives
     * ({@code -Dlog4j2.configurationFile=...}) wins.
     */
    private static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            URL quiet = SparkTraining.class.getResource("spark-log4j2.properties");
            if (quiet != null) {
                System.setProperty("log4j2.configurationFile", quiet.toString());
            }
        }
    }
}
