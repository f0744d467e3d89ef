package dev.nabla.onnx;

import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Preprocessing;

import java.util.List;

/**
 * The checkpoint's preprocessing of one input as the first nodes of the graph: divide by the scale, then subtract
 * the mean and divide by the standard deviation of each feature, in float, exactly the arithmetic
 * {@link Preprocessing} applies before {@code nabla predict} runs the model. The statistics are initializers shaped
 * like one example (the input's shape without B), which broadcast over the batch.
 */
final class PreprocessingOps {

    private PreprocessingOps() {
    }

    /** Appends the nodes for {@code input} and returns the tensor the model reads in its place (the raw input when none). */
    static String apply(OnnxGraph g, Value input, Preprocessing preprocessing, int inputs) {
        String raw = input.name();
        Preprocessing.Scaling s = preprocessing.scaling(raw, inputs).orElse(null);
        if (s == null) {
            return raw;
        }
        List<Integer> dims = input.shape().batched() ? input.shape().dims().subList(1, input.shape().rank()) : input.shape().dims();
        long[] example = Protos.longs(dims);
        long width = 1;
        for (long d : example) {
            width *= d;
        }
        String current = raw;
        if (s.divisor() != 1) {
            current = g.temp(raw + ".scaled", "Div", List.of(current, g.scalar(s.divisor())));
        }
        if (s.mean() != null) {
            if (s.mean().length != width) {
                throw new NablaException("the preprocessing of input \"" + raw + "\" was fitted on " + s.mean().length
                        + " features per sample, but the model takes " + width);
            }
            current = g.temp(raw + ".centered", "Sub", List.of(current, g.floats(raw + ".mean", example, s.mean())));
            current = g.temp(raw + ".standardized", "Div", List.of(current, g.floats(raw + ".std", example, s.std())));
        }
        return current;
    }
}
