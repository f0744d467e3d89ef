package dev.nabla.runtime.data;

import java.util.Arrays;

/**
 * Samples in memory: features row-major ({@code rows x featureCount}, each row of {@link #sampleShape()}), and
 * optional targets ({@code rows x targetWidth}: a class index stored as a float, or real values).
 * Immutable by convention: transformations return new datasets.
 */
public final class Dataset {

    private final String source;
    private final float[] features;
    private final int rows;
    private final int[] sampleShape;
    private final float[] targets;
    private final int targetWidth;
    private final boolean uint8;
    private final int[] lines;
    private final int featureCount;

    /**
     * @param source      file name(s) for messages
     * @param sampleShape shape of one sample, e.g. {@code [28, 28]} or {@code [64]}
     * @param targets     {@code rows * targetWidth} values, or {@code null} for inputs only
     * @param uint8       features are raw bytes 0..255 (scaling then divides by 255, like torchvision)
     * @param lines       1-based source line of each row (text formats), or {@code null}
     */
    public Dataset(String source, float[] features, int[] sampleShape, float[] targets, int targetWidth,
                   boolean uint8, int[] lines) {
        int perRow = product(sampleShape);
        if (perRow == 0 || features.length % perRow != 0) {
            throw new IllegalArgumentException(source + ": " + features.length + " values do not divide into rows of "
                    + Arrays.toString(sampleShape));
        }
        this.source = source;
        this.features = features;
        this.rows = features.length / perRow;
        this.featureCount = perRow;
        this.sampleShape = sampleShape.clone();
        this.targets = targets;
        this.targetWidth = targets == null ? 0 : targetWidth;
        if (targets != null && targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException(source + ": " + targets.length + " targets for " + rows + " rows");
        }
        this.uint8 = uint8;
        this.lines = lines;
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

    public int featureCount() {
        return featureCount;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public boolean hasTargets() {
        return targets != null;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public boolean uint8() {
        return uint8;
    }

    /** Feature {@code j} of row {@code row}. */
    public float feature(int row, int j) {
        return features[row * featureCount() + j];
    }

    public float target(int row, int j) {
        return targets[row * targetWidth + j];
    }

    /** "line 12" for text formats, "sample 12" (1-based) otherwise. */
    public String describeRow(int row) {
        return lines != null ? "line " + lines[row] : "sample " + (row + 1);
    }

    /** Copies the features of {@code order[from..from+count)} into {@code dest} from index 0. */
    public void copyFeatures(int[] order, int from, int count, float[] dest) {
        int f = featureCount();
        for (int i = 0; i < count; i++) {
            System.arraycopy(features, order[from + i] * f, dest, i * f, f);
        }
    }

    /** Copies the targets of {@code order[from..from+count)} into {@code dest} from index 0. */
    public void copyTargets(int[] order, int from, int count, float[] dest) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(targets, order[from + i] * targetWidth, dest, i * targetWidth, targetWidth);
        }
    }

    /** The rows {@code indices}, in that order. */
    public Dataset subset(int[] indices) {
        int f = featureCount();
        float[] x = new float[indices.length * f];
        float[] y = targets == null ? null : new float[indices.length * targetWidth];
        int[] l = lines == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * f, x, i * f, f);
            if (y != null) {
                System.arraycopy(targets, indices[i] * targetWidth, y, i * targetWidth, targetWidth);
            }
            if (l != null) {
                l[i] = lines[indices[i]];
            }
        }
        return new Dataset(source, x, sampleShape, y, targetWidth, uint8, l);
    }

    /** The same rows with features transformed by {@code f(column, value)}. */
    Dataset mapFeatures(FeatureMap f) {
        int n = featureCount();
        float[] x = new float[features.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.apply(i % n, features[i]);
        }
        return new Dataset(source, x, sampleShape, targets, targetWidth, false, lines);
    }

    interface FeatureMap {
        float apply(int column, float value);
    }
}
