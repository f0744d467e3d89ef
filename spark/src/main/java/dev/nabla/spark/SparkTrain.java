package dev.nabla.spark;

import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.train.ConsoleProgress;
import dev.nabla.runtime.train.Evaluation;
import dev.nabla.runtime.train.TrainOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The main class for {@code spark-submit}: trains a model jar on data the cluster reads, with the options of
 * {@code nabla train}. See docs/spark.md:
 * <pre>
 * spark-submit --class dev.nabla.spark.SparkTrain --jars nabla-runtime.jar nabla-spark.jar \
 *     digits.jar --data csv:hdfs:///data/digits.csv --epochs 30 --save digits.safetensors
 * </pre>
 */
public final class SparkTrain {

    static final String USAGE = """
            usage: spark-submit --class dev.nabla.spark.SparkTrain --jars nabla-runtime.jar nabla-spark.jar MODEL.jar \\
                     --data SPEC [--val SPEC] [--test SPEC] [--model NAME] [--epochs N | --steps N] [--batch B] [--lr X]
                     [--seed S] [--threads T] [--partitions N] [--save CKPT] [--checkpoint-every N]
                     [--init CKPT | --resume CKPT] [--column BUFFER=COLUMN]...
            SPEC: parquet:PATH (columns features and label, or one per model input and target)
                  csv:PATH[,label=N][,header=true] (read by Spark; every other column is a feature)
                  anything nabla train --data reads (IDX, .npy, CSV), read on the driver""";

    private SparkTrain() {
    }

    public static void main(String[] args) {
        int status;
        SparkSession spark = SparkSession.builder().appName("nabla").getOrCreate();
        try {
            status = run(spark, System.out, System.err, args);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /** Runs the command and returns its exit status: 0, or 1 after printing a user error to {@code err}. */
    static int run(SparkSession spark, PrintStream out, PrintStream err, String... args) {
        try {
            Arguments a = Arguments.parse(args);
            CompiledJar jar = CompiledJar.read(Path.of(a.jar), a.model);
            ModelSpec spec = jar.manifest().spec();
            SparkOptions options = a.options(TrainOptions.from(spec.train()))
                    .withProgress(ConsoleProgress.forConsole(out));
            if (a.validation != null) {
                options = options.withValidation(read(spark, a.validation, a.partitions));
            }
            SparkTrainResult result = NablaSpark.train(spark, jar, read(spark, a.data, a.partitions), options);
            out.println(result.timings().describe());
            if (a.test != null) {
                Path checkpoint = a.save != null ? Path.of(a.save) : Files.createTempFile("nabla-trained", ".safetensors");
                if (a.save == null) {
                    result.save(checkpoint);
                    checkpoint.toFile().deleteOnExit();
                }
                Evaluation test = NablaSpark.evaluate(spark, Path.of(a.jar), checkpoint, read(spark, a.test, a.partitions),
                        options);
                out.println("test set:");
                out.print(test.report());
            }
            out.flush();
            return 0;
        } catch (NablaException | IllegalArgumentException e) {
            err.println("nabla-spark: error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("nabla-spark: error: " + e.getMessage());
            return 1;
        }
    }

    /** A DataFrame from a data spec (see {@link #USAGE}). */
    static Dataset<Row> read(SparkSession spark, String spec, int partitions) {
        if (spec.startsWith("parquet:")) {
            return spark.read().parquet(spec.substring("parquet:".length()));
        }
        if (spec.startsWith("csv:")) {
            String[] items = spec.substring("csv:".length()).split(",");
            int label = -1;
            boolean header = false;
            for (int i = 1; i < items.length; i++) {
                String[] kv = items[i].split("=", 2);
                switch (kv[0]) {
                    case "label" -> label = Arguments.integer("label", kv.length > 1 ? kv[1] : "");
                    case "header" -> header = kv.length > 1 && Boolean.parseBoolean(kv[1]);
                    default -> throw new NablaException("csv: unknown option \"" + items[i] + "\" (label=N, header=true)");
                }
            }
            return SparkData.csv(spark, items[0], label, header);
        }
        return SparkData.load(spark, spec, partitions);
    }

    /** The command line, parsed. */
    private static final class Arguments {
        String jar;
        String data;
        String validation;
        String test;
        String model;
        Integer epochs;
        Long steps;
        Integer batch;
        Double lr;
        Long seed;
        Integer threads;
        int partitions;
        String save;
        int checkpointEvery;
        String init;
        String resume;
        final Map<String, String> columns = new HashMap<>();

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    if (a.jar != null) {
                        throw new NablaException("one model jar, please: " + a.jar + " and " + arg + "\n" + USAGE);
                    }
                    a.jar = arg;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new NablaException(arg + " needs a value\n" + USAGE);
                }
                String v = args[++i];
                switch (arg) {
                    case "--data" -> a.data = v;
                    case "--val" -> a.validation = v;
                    case "--test" -> a.test = v;
                    case "--model" -> a.model = v;
                    case "--epochs" -> a.epochs = positive(arg, v);
                    case "--steps" -> a.steps = (long) positive(arg, v);
                    case "--batch" -> a.batch = positive(arg, v);
                    case "--lr" -> a.lr = number(arg, v);
                    case "--seed" -> a.seed = (long) integer(arg, v);
                    case "--threads" -> a.threads = positive(arg, v);
                    case "--partitions" -> a.partitions = positive(arg, v);
                    case "--save" -> a.save = v;
                    case "--checkpoint-every" -> a.checkpointEvery = positive(arg, v);
                    case "--init" -> a.init = v;
                    case "--resume" -> a.resume = v;
                    case "--column" -> {
                        String[] kv = v.split("=", 2);
                        if (kv.length != 2) {
                            throw new NablaException("--column takes BUFFER=COLUMN, got " + v);
                        }
                        a.columns.put(kv[0], kv[1]);
                    }
                    default -> throw new NablaException("unknown option " + arg + "\n" + USAGE);
                }
            }
            if (a.jar == null || a.data == null) {
                throw new NablaException((a.jar == null ? "no model jar" : "no --data") + "\n" + USAGE);
            }
            if (a.init != null && a.resume != null) {
                throw new NablaException("--init starts a new run from a checkpoint and --resume continues one: give only one");
            }
            if (a.epochs != null && a.steps != null) {
                throw new NablaException("--epochs and --steps: give only one");
            }
            return a;
        }

        SparkOptions options(TrainOptions fromModel) {
            TrainOptions t = fromModel;
            if (epochs != null) {
                t = t.withEpochs(epochs);
            }
            if (steps != null) {
                t = t.withSteps(steps);
            }
            if (batch != null) {
                t = t.withBatchSize(batch);
            }
            if (lr != null) {
                t = t.withLr(lr);
            }
            if (seed != null) {
                t = t.withSeed(seed);
            }
            if (threads != null) {
                t = t.withThreads(threads);
            }
            SparkOptions o = SparkOptions.from(t).withPartitions(partitions).withCheckpointEvery(checkpointEvery)
                    .withModel(model);
            for (Map.Entry<String, String> c : columns.entrySet()) {
                o = o.withColumn(c.getKey(), c.getValue());
            }
            if (save != null) {
                o = o.withSave(Path.of(save));
            }
            if (init != null) {
                o = o.withInit(Path.of(init));
            }
            if (resume != null) {
                o = o.withResume(Path.of(resume));
            }
            return o;
        }

        static int integer(String what, String v) {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new NablaException(what + " takes a whole number, got \"" + v + "\"");
            }
        }

        static int positive(String what, String v) {
            int n = integer(what, v);
            if (n < 1) {
                throw new NablaException(what + " must be positive, got " + n);
            }
            return n;
        }

        static double number(String what, String v) {
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new NablaException(what + " takes a number, got \"" + v + "\"");
            }
        }
    }
}
