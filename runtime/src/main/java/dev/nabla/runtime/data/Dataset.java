package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.util.List;

/**
 * Samples in memory: one {@link Field} per model input and one per target (none for inputs only), all with the same
 * number of rows; row {@code r} of every field is sample {@code r}. Immutable by convention: transformations return
 * new datasets, and subsets keep the fields' rows aligned.
 *
 * <p>The single-field accessors ({@link #feature}, {@link #target}, {@link #featureCount}, ...) read the first input
 * and the first target, which is all a one-input model has.
 */
public final class Dataset {

    /** The name of the features of a format that names nothing (CSV, IDX, {@code npy(x, y)}). */
    public static final String UNNAMED_INPUT = "x";
    /** The name of the labels or targets of a format that names nothing. */
    public static final String UNNAMED_TARGET = "y";

    private final String source;
    private final int rows;
    private final List<Field> inputs;
    private final List<Field> targets;
    private final int[] lines;

    /**
     * @param source  file name(s) for messages
     * @param inputs  at least one field
     * @param targets the target fields, empty for inputs only
     * @param lines   1-based source line of each row (text formats), or {@code null}
     */
    public Dataset(String source, List<Field> inputs, List<Field> targets, int[] lines) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException(source + ": a dataset needs at least one input field");
        }
        this.source = source;
        this.inputs = List.copyOf(inputs);
        this.targets = List.copyOf(targets);
        this.rows = inputs.get(0).rows();
        this.lines = lines;
        inputs.forEach(f -> checkRows(f, "samples"));
        targets.forEach(f -> checkRows(f, "targets"));
    }

    private void checkRows(Field f, String what) {
        if (f.rows() != rows) {
            throw new NablaException(inputs.get(0).source() + " has " + rows + " samples but " + f.source() + " has "
                    + f.rows() + " " + what);
        }
    }

    /**
     * One input field {@link #UNNAMED_INPUT} and, unless {@code targets} is null, one target field
     * {@link #UNNAMED_TARGET} of {@code targetWidth} values a row; both take any declared shape of their size.
     *
     * @param sampleShape shape of one sample, e.g. {@code [28, 28]} or {@code [64]}
     * @param uint8       features are raw bytes 0..255
     */
    public Dataset(String source, float[] features, int[] sampleShape, float[] targets, int targetWidth,
                   boolean uint8, int[] lines) {
        this(source, List.of(new Field(UNNAMED_INPUT, source, sampleShape, features, false, uint8)),
                targets == null ? List.of() : List.of(new Field(UNNAMED_TARGET, source, new int[] {targetWidth},
                        targets, false, false)), lines);
    }

    public static Dataset of(String source, float[] features, int featureCount, float[] targets, int targetWidth) {
        return new Dataset(source, features, new int[] {featureCount}, targets, targetWidth, false, null);
    }

    static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public String source() {
        return source;
    }

    public int rows() {
        return rows;
    }

    public List<Field> inputs() {
        return inputs;
    }

    public List<Field> targets() {
        return targets;
    }

    public boolean hasTargets() {
        return !targets.isEmpty();
    }

    /** Values per sample of the first input. */
    public int featureCount() {
        return inputs.get(0).width();
    }

    /** The per-sample shape of the first input. */
    public int[] sampleShape() {
        return inputs.get(0).sampleShape();
    }

    /** Whether the first input is raw bytes. */
    public boolean uint8() {
        return inputs.get(0).uint8();
    }

    /** Value {@code j} of row {@code row} of the first input. */
    public float feature(int row, int j) {
        return inputs.get(0).value(row, j);
    }

    /** Value {@code j} of row {@code row} of the first target. */
    public float target(int row, int j) {
        return targets.get(0).value(row, j);
    }

    /** "line 12" for text formats, "sample 12" (1-based) otherwise. */
    public String describeRow(int row) {
        return lines != null ? "line " + lines[row] : "sample " + (row + 1);
    }

    /** The rows {@code indices}, in that order, of every field. */
    public Dataset subset(int[] indices) {
        int[] l = null;
        if (lines != null) {
            l = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                l[i] = lines[indices[i]];
            }
        }
        return new Dataset(source, inputs.stream().map(f -> f.subset(indices)).toList(),
                targets.stream().map(f -> f.subset(indices)).toList(), l);
    }

    /** The same rows with other fields (of the same row count). */
    Dataset withFields(List<Field> newInputs, List<Field> newTargets) {
        return new Dataset(source, newInputs, newTargets, lines);
    }
}
