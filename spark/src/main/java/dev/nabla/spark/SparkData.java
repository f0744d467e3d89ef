package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;
import dev.nabla.runtime.data.DataLoader;
import dev.nabla.runtime.data.Field;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * DataFrames in the shape {@link NablaSpark#train} reads: a column {@code features} (an array of floats) and a column
 * {@code label}, or for a model of several inputs or targets one column per input and target, named after it.
 * Parquet needs no helper ({@code spark.read().parquet(path)} with such columns); CSV is read by Spark, in parallel;
 * IDX and {@code .npy}, single binary files, are read by the runtime's readers on the driver and distributed.
 */
public final class SparkData {

    private SparkData() {
    }

    /**
     * A CSV file (or directory, or glob; gzipped or not) read by Spark: every column but {@code label} is a feature.
     *
     * @param label the label column's 0-based index, negative from the end (-1: the last column)
     */
    public static Dataset<Row> csv(SparkSession spark, String path, int label) {
        return csv(spark, path, label, false);
    }

    /** @param header the first line names the columns and is not data */
    public static Dataset<Row> csv(SparkSession spark, String path, int label, boolean header) {
        Dataset<Row> raw = spark.read().option("header", header).csv(path);
        String[] columns = raw.columns();
        int at = label < 0 ? columns.length + label : label;
        if (at < 0 || at >= columns.length) {
            throw new NablaException(path + ": label column " + label + " does not exist: the file has " + columns.length
                    + " columns");
        }
        Column[] features = IntStream.range(0, columns.length).filter(i -> i != at)
                .mapToObj(i -> functions.col(columns[i]).cast(DataTypes.FloatType)).toArray(Column[]::new);
        return raw.select(functions.array(features).as("features"),
                functions.col(columns[at]).cast(DataTypes.FloatType).as("label"));
    }

    /**
     * Data in any format {@code nabla train --data} reads, read on the driver by the runtime and distributed over
     * {@code partitions} partitions (0: Spark's default parallelism): IDX images and labels
     * ({@code train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz}), {@code .npy} files, CSV in the scikit-learn
     * layout. Relative paths resolve against the working directory.
     */
    public static Dataset<Row> load(SparkSession spark, String spec, int partitions) {
        DataSpec data = DataLoader.parse(spec, Path.of("."));
        return fromDataset(spark, DataLoader.load(data), partitions);
    }

    /**
     * IDX images and labels (MNIST, Fashion-MNIST; gzipped or not), read on the driver: {@code features} with the
     * pixels of an image (raw bytes 0..255 as floats) and {@code label}.
     */
    public static Dataset<Row> idx(SparkSession spark, String images, String labels, int partitions) {
        return fromDataset(spark, DataLoader.load(new DataSpec("idx", List.of(images, labels), java.util.Map.of())),
                partitions);
    }

    /**
     * A runtime dataset as a DataFrame of {@code partitions} partitions (0: Spark's default parallelism), each a
     * contiguous run of its rows, in order. The arrays are broadcast once and the rows made from them where they are
     * needed; the broadcast lives as long as the application, since the DataFrame's lineage needs it.
     */
    public static Dataset<Row> fromDataset(SparkSession spark, dev.nabla.runtime.data.Dataset data, int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Field> fields = new ArrayList<>(data.inputs());
        fields.addAll(data.targets());
        List<StructField> schema = new ArrayList<>();
        for (Field f : fields) {
            String name = f.name();
            if (data.inputs().size() == 1 && data.inputs().contains(f)) {
                name = "features";
            } else if (data.targets().size() == 1 && data.targets().contains(f)) {
                name = "label";
            }
            schema.add(DataTypes.createStructField(name, f.width() == 1 ? DataTypes.FloatType
                    : DataTypes.createArrayType(DataTypes.FloatType, false), false));
        }
        int[] widths = fields.stream().mapToInt(Field::width).toArray();
        Broadcast<float[][]> values = sc.broadcast(fields.stream().map(Field::values).toArray(float[][]::new));
        int rows = data.rows();
        int parts = partitions > 0 ? partitions : sc.defaultParallelism();
        JavaRDD<Row> rdd = sc.parallelize(IntStream.range(0, parts).boxed().toList(), parts).flatMap(p -> {
            float[][] v = values.value();
            int from = (int) ((long) p * rows / parts);
            int to = (int) ((long) (p + 1) * rows / parts);
            List<Row> out = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                Object[] cells = new Object[v.length];
                for (int f = 0; f < v.length; f++) {
                    int w = widths[f];
                    cells[f] = w == 1 ? (Object) v[f][r] : Arrays.copyOfRange(v[f], r * w, (r + 1) * w);
                }
                out.add(RowFactory.create(cells));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rdd, new StructType(schema.toArray(StructField[]::new)));
    }
}
