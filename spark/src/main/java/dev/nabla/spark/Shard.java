package dev.nabla.spark;

import dev.nabla.runtime.data.Dataset;
import dev.nabla.runtime.data.Field;
import dev.nabla.runtime.data.Preprocessing;
import org.apache.spark.sql.Row;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rows of one partition, converted once to the float arrays the kernels read and kept in the executor's memory
 * for the whole run (a cached RDD of one shard per partition). Each row keeps its position in the whole training
 * set, so a step can pick out this partition's share of a global batch: the batch is a list of positions, the same
 * list one machine would train on.
 */
final class Shard implements Serializable {

    final int partition;
    /** Position in the whole data set of each row, ascending. */
    private final int[] index;
    /** The model buffer each field feeds: inputs, then targets. */
    private final String[] names;
    private final int inputs;
    private final float[][] values;
    private final int[] widths;
    /** The runtime's view of the arrays, made once per executor (not serialized: it is only a view). */
    private transient volatile Dataset dataset;

    private Shard(int partition, int[] index, String[] names, int inputs, float[][] values, int[] widths) {
        this.partition = partition;
        this.index = index;
        this.names = names;
        this.inputs = inputs;
        this.values = values;
        this.widths = widths;
    }

    /** Reads the rows of one partition, each with its position in the whole data set, in any order. */
    static Shard build(int partition, Iterator<Tuple2<Long, Row>> rows, RowReader reader) {
        RowReader.FloatBuilder[] fields = new RowReader.FloatBuilder[reader.fields()];
        Arrays.setAll(fields, f -> new RowReader.FloatBuilder());
        List<Long> positions = new ArrayList<>();
        while (rows.hasNext()) {
            Tuple2<Long, Row> r = rows.next();
            reader.read(r._2(), r._1(), fields);
            positions.add(r._1());
        }
        int n = positions.size();
        Integer[] byPosition = new Integer[n];
        Arrays.setAll(byPosition, i -> i);
        Arrays.sort(byPosition, (a, b) -> Long.compare(positions.get(a), positions.get(b)));
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = Math.toIntExact(positions.get(byPosition[i]));
        }
        float[][] values = new float[fields.length][];
        for (int f = 0; f < fields.length; f++) {
            values[f] = reorder(fields[f].toArray(), reader.widths[f], byPosition);
        }
        return new Shard(partition, index, reader.buffers, reader.inputs, values, reader.widths);
    }

    private static float[] reorder(float[] rows, int width, Integer[] order) {
        float[] out = new float[rows.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(rows, order[i] * width, out, i * width, width);
        }
        return out;
    }

    int rows() {
        return index.length;
    }

    /** The rows of this shard among the global batch {@code batch} (positions in the data set), in the batch's order. */
    int[] localRows(int[] batch) {
        int[] local = new int[batch.length];
        int n = 0;
        for (int position : batch) {
            int at = Arrays.binarySearch(index, position);
            if (at >= 0) {
                local[n++] = at;
            }
        }
        return Arrays.copyOf(local, n);
    }

    /** The rows as a runtime dataset whose fields are named after the model's buffers. */
    Dataset dataset() {
        Dataset d = dataset;
        if (d == null) {
            List<Field> in = new ArrayList<>();
            List<Field> targets = new ArrayList<>();
            for (int f = 0; f < names.length; f++) {
                Field field = new Field(names[f], "partition " + partition, new int[] {widths[f]}, values[f], false, false);
                (f < inputs ? in : targets).add(field);
            }
            d = new Dataset("partition " + partition, in, targets, null);
            dataset = d;
        }
        return d;
    }

    /** This shard with the inputs preprocessed (targets as they are). */
    Shard preprocessed(Map<String, String> metadata) {
        Preprocessing pre = Preprocessing.fromMetadata(metadata);
        if (!pre.fitted() || rows() == 0) {
            return this;
        }
        Dataset applied = pre.apply(dataset());
        float[][] out = values.clone();
        for (int f = 0; f < inputs; f++) {
            out[f] = applied.inputs().get(f).values();
        }
        return new Shard(partition, index, names, inputs, out, widths);
    }

    /** Largest absolute value, sums and sums of squares of each input, after {@code current} preprocessing. */
    InputStatistics statistics(Map<String, String> current) {
        Shard view = preprocessed(current);
        InputStatistics s = new InputStatistics(Arrays.copyOf(widths, inputs));
        for (int f = 0; f < inputs; f++) {
            s.add(f, view.values[f]);
        }
        return s;
    }
}
