package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.checkpoint.Checkpoint;
import dev.nabla.runtime.checkpoint.Safetensors;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Datasets;
import dev.nabla.runtime.data.Preprocessing;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.Evaluator;
import dev.nabla.runtime.train.ProgressListener;
import dev.nabla.runtime.train.TrainOptions;
import dev.nabla.runtime.train.TrainingRun;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data in and out of Spark, the user's mistakes, evaluation, distributed preprocessing, batch norm. */
class SparkDataAndErrorsTest {

    private static SparkSession spark;
    private static Path jar;
    private static ModelSpec spec;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
        jar = LocalSpark.jar("digits");
        spec = NablaSpark.spec(jar);
    }

    private static SparkOptions quick() {
        return SparkOptions.from(TrainOptions.from(spec.train()).withBatchSize(256).withSteps(2));
    }

    /** Rows of 64 features and a label; {@code features[r]} null for a row without features. */
    private static Dataset<Row> rows(float[][] features, float[] labels) {
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < labels.length; r++) {
            out.add(RowFactory.create(features[r], labels[r]));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType), true)
                .add("label", DataTypes.FloatType, false);
        return spark.createDataFrame(out, schema).coalesce(1);
    }

    private static float[][] pixels(int rows, int width) {
        float[][] out = new float[rows][width];
        for (int r = 0; r < rows; r++) {
            out[r][r % width] = r;
        }
        return out;
    }

    /** The command spark-submit runs, on the digits CSV read by Spark itself; scale is fitted on the executors. */
    @Test
    void sparkSubmitsMain_trainsOnACsvSparkReads_savesACheckpoint_andReportsTheTestSet(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path saved = dir.resolve("digits.safetensors");
        int status = SparkTrain.run(spark, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), jar.toString(), "--data",
                "csv:../samples/data/digits.csv.gz", "--steps", "3", "--batch", "256", "--partitions", "2", "--save",
                saved.toString(), "--test", "csv:../samples/data/digits.csv.gz");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("training on 1797 samples in 2 partitions"), printed);
        assertTrue(printed.contains("test set:\n1797 samples"), printed);
        Map<String, String> meta = Safetensors.read(saved).metadata();
        assertEquals("3", meta.get("step"));
        assertEquals("16.0", meta.get("preprocess.divisor"), "the digits' largest value, found on the executors");
    }

    @Test
    void sparkSubmitsMain_reportsUserErrorsInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(1, SparkTrain.run(spark, System.out, e, "missing.jar", "--data", "x.parquet"));
        assertEquals(1, SparkTrain.run(spark, System.out, e, jar.toString(), "--data", "csv:x.csv", "--batch", "0"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("nabla-spark: error: cannot read the model jar missing.jar: no such file"), text);
        assertTrue(text.contains("nabla-spark: error: --batch must be positive, got 0"), text);
    }

    @Test
    void aMissingColumn_isNamed_withTheColumnsThereAre() {
        Dataset<Row> data = rows(pixels(4, 64), new float[4]).withColumnRenamed("features", "pixels_raw");
        NablaException e = assertThrows(NablaException.class, () -> NablaSpark.train(spark, jar, data, quick()));
        assertEquals("the DataFrame has no column \"features\" for input pixels of model Digits (its columns: pixels_raw,"
                + " label); name the column with SparkOptions.withColumn(\"pixels\", COLUMN)", e.getMessage());
        SparkTrainResult renamed = NablaSpark.train(spark, jar, data, quick().withColumn("pixels", "pixels_raw"));
        assertEquals(2, renamed.steps());
    }

    @Test
    void badRows_areNamedByTheirPosition() {
        float[] labels = {1, 2, 3, 4, 5, 12, 0, 0};
        NablaException label = assertThrows(NablaException.class,
                () -> NablaSpark.train(spark, jar, rows(pixels(8, 64), labels), quick()));
        assertEquals("row 5: label 12.0 in column \"label\" is out of range: the model has 10 classes (0..9)",
                label.getMessage());
        float[][] short3 = pixels(8, 64);
        short3[3] = new float[63];
        NablaException width = assertThrows(NablaException.class,
                () -> NablaSpark.train(spark, jar, rows(short3, new float[8]), quick()));
        assertEquals("row 3: column \"features\" holds 63 values, but pixels takes 64 per example", width.getMessage());
        float[][] nan = pixels(8, 64);
        nan[6][9] = Float.NaN;
        NablaException finite = assertThrows(NablaException.class,
                () -> NablaSpark.train(spark, jar, rows(nan, new float[8]), quick()));
        assertEquals("row 6: column \"features\", value 10: NaN is not a finite number", finite.getMessage());
    }

    @Test
    void aJarThatIsNotAModelJar_isRefused(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("model.jar"), "not a jar");
        NablaException e = assertThrows(NablaException.class, () -> NablaSpark.spec(notAJar));
        assertTrue(e.getMessage().startsWith(notAJar + " is not a"), e.getMessage());
    }

    /** Evaluation on the executors merges per-partition sums into what one machine computes. */
    @Test
    void evaluateOnSpark_equalsTheRuntimesEvaluation(@TempDir Path dir) {
        CompiledModel model = LoadedModels.get(CompiledJar.read(jar, null).shipment());
        TrainingRun.Request request = new TrainingRun.Request(null, null,
                TrainOptions.from(spec.train()).withSteps(20), null, dir.resolve("d.safetensors"), null, null);
        TrainingRun.train(model, request, ProgressListener.NONE);
        TrainingRun.Split split = TrainingRun.split(spec, request, spec.train().seed());
        float[][] buffers = spec.allocate(64);
        Map<String, String> meta = Checkpoint.load(request.save(), spec, buffers);
        Evaluation here = Evaluator.evaluate(model, buffers,
                Datasets.check(Preprocessing.fromMetadata(meta).apply(split.test()), spec, true), 64);
        Evaluation there = NablaSpark.evaluate(spark, jar, request.save(), SparkData.fromDataset(spark, split.test(), 3),
                SparkOptions.from(TrainOptions.from(spec.train()).withBatchSize(64)));
        assertEquals(here.samples(), there.samples());
        assertEquals(here.loss(), there.loss(), 1e-6);
        assertEquals(here.accuracy(), there.accuracy());
        assertArrayEquals(here.confusion(), there.confusion());
    }

    /** scale then standardize, fitted pass by pass over 3 partitions, as the runtime fits them in one array. */
    @Test
    void preprocessingFittedOnPartitions_equalsTheRuntimesFit() {
        dev.nabla.runtime.data.Dataset digits = Datasets.bind(
                DataLoader.load(DataLoader.parse("../samples/data/digits.csv.gz", Path.of("."))), spec, true);
        Map<String, String> expected = Preprocessing.fit(List.of("scale", "standardize"), digits).toMetadata();
        Dataset<Row> frame = SparkData.fromDataset(spark, digits, 3);
        ShardedData shards = ShardedData.of(frame, RowReader.of(spec, frame, Map.of(), true), 0);
        Map<String, String> actual;
        try {
            actual = DistributedPreprocessing.fit(List.of("scale", "standardize"), shards, new String[] {"pixels"}, 16)
                    .toMetadata();
        } finally {
            shards.release();
        }
        assertEquals(expected.keySet(), actual.keySet());
        assertEquals(expected.get("preprocess.divisor"), actual.get("preprocess.divisor"));
        for (String key : List.of("preprocess.mean", "preprocess.std")) {
            String[] e = expected.get(key).split(",");
            String[] a = actual.get(key).split(",");
            assertEquals(64, a.length);
            for (int j = 0; j < e.length; j++) {
                assertEquals(Float.parseFloat(e[j]), Float.parseFloat(a[j]), 1e-6 * Math.max(1, Math.abs(Float.parseFloat(e[j]))),
                        key + "[" + j + "]");
            }
        }
    }

    /**
     * Batch norm on two partitions normalizes each half-batch by its own statistics (as PyTorch DDP without SyncBN).
     * After one step the merged running mean is the whole batch's (a mean of means weighted by rows), while the
     * running variance, a mean of the halves' variances, misses the spread between the halves' means.
     */
    @Test
    void batchNorm_onTwoPartitions_runningMeanIsTheBatchs_runningVarianceIsNot(@TempDir Path dir) {
        Path bnJar = LocalSpark.jar("digits_bn");
        CompiledModel model = LoadedModels.get(CompiledJar.read(bnJar, null).shipment());
        ModelSpec bn = model.spec();
        TrainOptions oneStep = TrainOptions.from(bn.train()).withBatchSize(128).withSteps(1);
        TrainingRun.Request request = new TrainingRun.Request(null, null, oneStep, null, dir.resolve("bn.safetensors"),
                null, null);
        TrainingRun.train(model, request, ProgressListener.NONE);
        Map<String, Safetensors.Tensor> single = Safetensors.read(request.save()).tensors();
        TrainingRun.Split split = TrainingRun.split(bn, request, oneStep.seed());
        Preprocessing pre = Preprocessing.fit(bn.train().preprocess(), split.train());
        Map<String, float[]> two = NablaSpark.train(spark, bnJar, SparkData.fromDataset(spark, split.train(), 2),
                SparkOptions.from(oneStep).withPreprocessing(pre)).weights();
        float[] mean = single.get("normed.running_mean").data();
        float[] variance = single.get("normed.running_var").data();
        double meanOff = 0;
        double varianceOff = 0;
        for (int j = 0; j < mean.length; j++) {
            meanOff = Math.max(meanOff, Math.abs(mean[j] - two.get("normed.running_mean")[j]));
            varianceOff = Math.max(varianceOff, Math.abs(variance[j] - two.get("normed.running_var")[j]));
        }
        assertTrue(meanOff < 1e-6, "running mean off by " + meanOff);
        assertTrue(varianceOff > 1e-4, "running variance off by only " + varianceOff);
        assertTrue(bn.indicesOf(BufferRole.STATE).size() >= 2);
    }
}
