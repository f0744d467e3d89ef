package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.data.Preprocessing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the model's {@code preprocess} steps on data spread over partitions, with the arithmetic of the runtime's
 * {@link Preprocessing#fit}: each step sees the inputs as the steps before it left them; {@code scale} divides by the
 * largest absolute value, {@code standardize} centres and scales each feature by its mean and population standard
 * deviation (sums in double). One pass over the data per step. The result is the runtime's own
 * {@link Preprocessing}, built from the checkpoint metadata it reads ({@link Preprocessing#fromMetadata}), so
 * {@code nabla eval} and {@code predict} apply exactly what training applied.
 *
 * <p>One difference: a DataFrame does not say that its values are raw bytes, so {@code scale} divides by the largest
 * value found (255 for image data that reaches it), where the runtime divides IDX data by 255 whatever it holds.
 */
final class DistributedPreprocessing {

    private DistributedPreprocessing() {
    }

    static Preprocessing fit(List<String> steps, ShardedData data, String[] inputs, int fanIn) {
        Map<String, String> meta = new LinkedHashMap<>();
        String[] prefixes = new String[inputs.length];
        for (int f = 0; f < inputs.length; f++) {
            prefixes[f] = inputs.length == 1 ? "preprocess." : "preprocess." + inputs[f] + ".";
            meta.put(prefixes[f] + "divisor", Float.toString(1f));
        }
        for (String step : steps) {
            String kind = step.toLowerCase(Locale.ROOT);
            if (kind.equals("none")) {
                continue;
            }
            if (!kind.equals("scale") && !kind.equals("standardize")) {
                throw new NablaException("unknown preprocessing \"" + step + "\" (use scale or standardize)");
            }
            InputStatistics s = data.statistics(Map.copyOf(meta), fanIn);
            for (int f = 0; f < inputs.length; f++) {
                if (kind.equals("scale")) {
                    meta.put(prefixes[f] + "divisor", Float.toString(s.maxAbs[f] == 0 ? 1f : s.maxAbs[f]));
                } else {
                    standardize(s, f, prefixes[f], meta);
                }
            }
        }
        return Preprocessing.fromMetadata(meta);
    }

    private static void standardize(InputStatistics s, int f, String prefix, Map<String, String> meta) {
        StringBuilder mean = new StringBuilder();
        StringBuilder std = new StringBuilder();
        for (int j = 0; j < s.sum[f].length; j++) {
            double mu = s.sum[f][j] / s.rows[f];
            double sd = Math.sqrt(Math.max(0, s.squares[f][j] / s.rows[f] - mu * mu));
            mean.append(j > 0 ? "," : "").append((float) mu);
            std.append(j > 0 ? "," : "").append(sd < 1e-12 ? 1f : (float) sd);
        }
        meta.put(prefix + "mean", mean.toString());
        meta.put(prefix + "std", std.toString());
    }
}
