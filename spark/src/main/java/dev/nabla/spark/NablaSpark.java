package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.init.Initializer;
import dev.nabla.runtime.train.BufferGroup;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.Map;

/**
 * Trains a compiled Nabla model on a Spark cluster by synchronous data-parallel SGD (see docs/spark.md). The model
 * comes as the jar {@code nabla compile MODEL.nabla -o model.jar} writes; the driver reads it and broadcasts its
 * bytes once, and every executor loads the kernels from them, so the jar need not be on the executors' class path
 * (they need nabla-runtime and nabla-spark, e.g. {@code spark-submit --jars}).
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[2]").getOrCreate();
 * Dataset<Row> train = SparkData.csv(spark, "samples/data/digits.csv.gz", -1);   // features, label
 * TrainOptions options = TrainOptions.from(NablaSpark.spec(Path.of("digits.jar")).train()).withEpochs(5);
 * SparkTrainResult result = NablaSpark.train(spark, Path.of("digits.jar"), train,
 *         SparkOptions.from(options).withSave(Path.of("digits.safetensors")));
 * }</pre>
 */
public final class NablaSpark {

    private NablaSpark() {
    }

    /** The buffer layout and train block of the jar's model (of {@code model}, when it holds several). */
    public static ModelSpec spec(Path modelJar) {
        return CompiledJar.read(modelJar, null).manifest().spec();
    }

    /** {@link #spec(Path)} of one model of a jar that holds several. */
    public static ModelSpec spec(Path modelJar, String model) {
        return CompiledJar.read(modelJar, model).manifest().spec();
    }

    /**
     * Trains the jar's model on {@code data} (one row per example; columns as {@link SparkOptions#withColumn}
     * describes) and returns the trained weights, their checkpoint and the metrics of every epoch.
     *
     * @throws NablaException for every user mistake: a jar that is not a model's, a missing or ill-typed column, bad
     *                        values in a row (named by its position), a diverging run, a checkpoint of another model
     */
    public static SparkTrainResult train(SparkSession spark, Path modelJar, Dataset<Row> data, SparkOptions options) {
        return train(spark, CompiledJar.read(modelJar, options.model()), data, options);
    }

    static SparkTrainResult train(SparkSession spark, CompiledJar jar, Dataset<Row> data, SparkOptions options) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CompiledModel model = LoadedModels.get(jar.shipment());
        ModelSpec spec = model.spec();
        if (options.save() != null) {
            AtomicFiles.checkWritable(options.save(), "the checkpoint");
        }
        TrainOptions o = options.train();
        float[][] buffers = spec.allocate(1);
        Initializer.initialize(spec, buffers, o.seed());
        Preprocessing kept = null;
        long resumeStep = -1;
        if (options.init() != null) {
            Map<String, String> meta = Checkpoint.load(options.init(), spec, buffers);
            long step = Checkpoint.metadataLong(options.init(), meta, "step", 0);
            if (options.resume()) {
                resumeStep = step;
            } else {
                o = o.withFirstStep(step);
            }
            Preprocessing saved = Preprocessing.fromMetadata(meta);
            kept = saved.fitted() ? saved : null;
        }
        RowReader reader = RowReader.of(spec, data, options.columns(), true);
        ShardedData train = ShardedData.of(data, reader, options.partitions());
        ShardedData validation = null;
        try {
            Preprocessing pre = options.preprocessing() != null ? options.preprocessing() : kept != null ? kept
                    : DistributedPreprocessing.fit(spec.train().preprocess(), train, inputNames(spec), options.fanIn());
            Map<String, String> fitted = pre.toMetadata();
            train = train.preprocessed(fitted);
            if (options.validation() != null) {
                validation = ShardedData.of(options.validation(), RowReader.of(spec, options.validation(),
                        options.columns(), true), options.partitions()).preprocessed(fitted);
            }
            options.progress().info("training on " + train.rows + " samples in " + train.partitions() + " partitions"
                    + (validation == null ? "" : ", validating on " + validation.rows)
                    + (options.init() == null ? "" : (options.resume() ? ", resuming " : ", starting from ")
                    + options.init() + (resumeStep >= 0 ? " at step " + resumeStep : "")));
            SparkTrainResult result = new SynchronousSgd(sc, jar, model, buffers, train, validation, options, o,
                    TrainingRun.metadata(spec, o, pre)).run(resumeStep);
            if (options.save() != null) {
                options.progress().info("saved " + options.save() + " (epoch " + result.metadata().get("epoch") + ")");
            }
            return result;
        } finally {
            train.release();
            if (validation != null) {
                validation.release();
            }
        }
    }

    /**
     * Loss, accuracy and confusion matrix (or MSE and MAE) of a checkpoint on {@code data}, computed on the executors
     * with the checkpoint's preprocessing: what {@code nabla eval --weights CKPT --data ...} reports for the same rows.
     * {@code options} gives the columns, the model of a jar of several, the partitions, the kernel threads per task
     * and the evaluation batch size.
     */
    public static Evaluation evaluate(SparkSession spark, Path modelJar, Path checkpoint, Dataset<Row> data,
                                      SparkOptions options) {
        CompiledJar jar = CompiledJar.read(modelJar, options.model());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelSpec spec = LoadedModels.get(jar.shipment()).spec();
        float[][] buffers = spec.allocate(1);
        Map<String, String> meta = Checkpoint.load(checkpoint, spec, buffers);
        ShardedData shards = ShardedData.of(data, RowReader.of(spec, data, options.columns(), true), options.partitions())
                .preprocessed(Preprocessing.fromMetadata(meta).toMetadata());
        Broadcast<CompiledJar.Shipment> shipment = sc.broadcast(jar.shipment());
        Broadcast<float[]> weights = sc.broadcast(BufferGroup.of(spec, BufferRole.PARAM, BufferRole.STATE).pack(buffers));
        try {
            return shards.evaluate(shipment, weights, options.train().batchSize(), options.train().threads(),
                    options.fanIn()).evaluation();
        } finally {
            weights.destroy();
            shipment.destroy();
            shards.release();
        }
    }

    private static String[] inputNames(ModelSpec spec) {
        return spec.indicesOf(BufferRole.INPUT).stream().map(i -> spec.buffers().get(i).name()).toArray(String[]::new);
    }
}
