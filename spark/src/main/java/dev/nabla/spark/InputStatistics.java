package dev.nabla.spark;

import java.io.Serializable;

/**
 * What fitting {@code scale} and {@code standardize} needs of each input field, summed over partitions: the largest
 * absolute value, and per feature the row count, sum and sum of squares (in double, as the runtime sums them).
 */
final class InputStatistics implements Serializable {

    final long[] rows;
    final float[] maxAbs;
    final double[][] sum;
    final double[][] squares;

    InputStatistics(int[] widths) {
        rows = new long[widths.length];
        maxAbs = new float[widths.length];
        sum = new double[widths.length][];
        squares = new double[widths.length][];
        for (int f = 0; f < widths.length; f++) {
            sum[f] = new double[widths[f]];
            squares[f] = new double[widths[f]];
        }
    }

    void add(int field, float[] values) {
        int w = sum[field].length;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            maxAbs[field] = Math.max(maxAbs[field], Math.abs(values[i]));
            sum[field][i % w] += v;
            squares[field][i % w] += v * v;
        }
        rows[field] += values.length / w;
    }

    static InputStatistics merge(InputStatistics a, InputStatistics b) {
        InputStatistics out = new InputStatistics(new int[a.rows.length]);
        for (int f = 0; f < a.rows.length; f++) {
            out.rows[f] = a.rows[f] + b.rows[f];
            out.maxAbs[f] = Math.max(a.maxAbs[f], b.maxAbs[f]);
            out.sum[f] = a.sum[f].clone();
            out.squares[f] = a.squares[f].clone();
            for (int j = 0; j < out.sum[f].length; j++) {
                out.sum[f][j] += b.sum[f][j];
                out.squares[f][j] += b.squares[f][j];
            }
        }
        return out;
    }
}
