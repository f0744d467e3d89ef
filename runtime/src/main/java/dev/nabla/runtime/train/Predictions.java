package dev.nabla.runtime.train;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * One model output for every row of a dataset: {@code values} is {@code rows x width} row-major. For a classifier
 * ({@code classifier == true}) each row holds the class probabilities and {@link #classOf} is the argmax.
 */
public record Predictions(String output, int rows, int width, float[] values, boolean classifier) {

    public float[] row(int r) {
        return Arrays.copyOfRange(values, r * width, (r + 1) * width);
    }

    public int classOf(int r) {
        return Evaluator.argmax(values, r * width, width);
    }

    /** CSV with a header: {@code class,p0,p1,...} for classifiers, {@code OUTPUT0,OUTPUT1,...} otherwise. */
    public void writeCsv(PrintStream out) {
        StringBuilder header = new StringBuilder(classifier ? "class" : "");
        for (int j = 0; j < width; j++) {
            header.append(header.length() > 0 ? "," : "").append(classifier ? "p" + j : output + j);
        }
        out.println(header);
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder(classifier ? Integer.toString(classOf(r)) : "");
            for (int j = 0; j < width; j++) {
                line.append(line.length() > 0 || j > 0 ? "," : "").append(values[r * width + j]);
            }
            out.println(line);
        }
    }
}
