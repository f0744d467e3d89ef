package dev.nabla.spark;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which DataFrame column feeds each model input and target, and how a {@link Row} of them becomes floats. A column is
 * an array of numbers (any numeric element type), or a number for a buffer of one value per example (a class label,
 * a regression target). Each row is checked as {@code nabla train} checks a file: the number of values, finite values,
 * class labels in range; messages name the row by its 0-based position in the DataFrame's order.
 */
final class RowReader implements Serializable {

    /** The model's buffer names: inputs, then targets (none when the reader reads inputs only). */
    final String[] buffers;
    final String[] columns;
    final int inputs;
    final int[] widths;
    /** Classes of each buffer's labels to check (0: not class labels). */
    final int[] classes;

    private RowReader(String[] buffers, String[] columns, int inputs, int[] widths, int[] classes) {
        this.buffers = buffers;
        this.columns = columns;
        this.inputs = inputs;
        this.widths = widths;
        this.classes = classes;
    }

    /**
     * Matches the model's inputs (and targets, when {@code withTargets}) to the columns of {@code data}: the column
     * {@code columns} names for the buffer, else the column of the buffer's name, else {@code features} for a lone
     * input and {@code label} for a lone target.
     *
     * @throws NablaException when a column is missing or holds something other than numbers
     */
    static RowReader of(ModelSpec spec, Dataset<Row> data, Map<String, String> columns, boolean withTargets) {
        List<String> names = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        List<String> available = Arrays.asList(data.columns());
        int inputs = 0;
        for (BufferRole role : withTargets ? List.of(BufferRole.INPUT, BufferRole.TARGET) : List.of(BufferRole.INPUT)) {
            List<Integer> of = spec.indicesOf(role);
            for (int i : of) {
                BufferSpec b = spec.buffers().get(i);
                String fallback = of.size() == 1 ? (role == BufferRole.INPUT ? "features" : "label") : null;
                String column = columns.getOrDefault(b.name(), available.contains(b.name()) || fallback == null
                        ? b.name() : fallback);
                checkColumn(spec, data, b, column, available);
                names.add(b.name());
                cols.add(column);
                widths.add(b.rowSize());
                classes.add(b.classes() > 0 && !b.binary() ? b.classes() : 0);
                inputs += role == BufferRole.INPUT ? 1 : 0;
            }
        }
        return new RowReader(names.toArray(String[]::new), cols.toArray(String[]::new), inputs,
                widths.stream().mapToInt(Integer::intValue).toArray(), classes.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void checkColumn(ModelSpec spec, Dataset<Row> data, BufferSpec b, String column, List<String> available) {
        String what = b.role().name().toLowerCase() + " " + b.name() + " of model " + spec.name();
        if (!available.contains(column)) {
            throw new NablaException("the DataFrame has no column \"" + column + "\" for " + what + " (its columns: "
                    + String.join(", ", available) + "); name the column with SparkOptions.withColumn(\"" + b.name()
                    + "\", COLUMN)");
        }
        StructField field = data.schema().apply(column);
        DataType type = field.dataType();
        boolean numbers = type instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!numbers && !(type instanceof NumericType && b.rowSize() == 1)) {
            throw new NablaException("column \"" + column + "\" for " + what + " holds " + type.simpleString() + "; it takes "
                    + (b.rowSize() == 1 ? "a number or " : "") + "an array of " + b.rowSize() + " numbers per row"
                    + " (a Spark ML vector column converts with org.apache.spark.ml.functions.vector_to_array)");
        }
    }

    /** The columns this reader reads, in order: select them before reading rows. */
    Column[] selection() {
        return Arrays.stream(columns).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    int fields() {
        return buffers.length;
    }

    /**
     * Appends the values of {@code row} (with this reader's columns in order) to {@code out}, one builder per field.
     *
     * @param index the row's 0-based position in the data, for messages
     */
    void read(Row row, long index, FloatBuilder[] out) {
        for (int f = 0; f < buffers.length; f++) {
            if (row.isNullAt(f)) {
                throw new NablaException("row " + index + ": column \"" + columns[f] + "\" is null");
            }
            Object value = row.get(f);
            if (value instanceof Number n) {
                check(index, f, 0, n.floatValue());
                out[f].add(n.floatValue());
                continue;
            }
            List<Object> values = row.getList(f);
            if (values.size() != widths[f]) {
                throw new NablaException("row " + index + ": column \"" + columns[f] + "\" holds " + values.size()
                        + " values, but " + buffers[f] + " takes " + widths[f] + " per example");
            }
            for (int j = 0; j < values.size(); j++) {
                Object v = values.get(j);
                if (v == null) {
                    throw new NablaException("row " + index + ": column \"" + columns[f] + "\", value " + (j + 1) + " is null");
                }
                float x = ((Number) v).floatValue();
                check(index, f, j, x);
                out[f].add(x);
            }
        }
    }

    private void check(long index, int f, int j, float x) {
        if (!Float.isFinite(x)) {
            throw new NablaException("row " + index + ": column \"" + columns[f] + "\""
                    + (widths[f] > 1 ? ", value " + (j + 1) : "") + ": " + x + " is not a finite number");
        }
        if (classes[f] > 0 && (x != Math.rint(x) || x < 0 || x >= classes[f])) {
            throw new NablaException("row " + index + ": label " + x + " in column \"" + columns[f]
                    + "\" is out of range: the model has " + classes[f] + " classes (0.." + (classes[f] - 1) + ")");
        }
    }

    /** A growable float array. */
    static final class FloatBuilder {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
