package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Input preprocessing fitted on the training set only and applied unchanged to validation, test and prediction
 * data, to every input field with statistics of its own (targets are never touched). {@code scale} divides a
 * field by one number: 255 for raw bytes (IDX or {@code |u1} npy, as torchvision's ToTensor), otherwise the
 * training set's largest absolute value. {@code standardize} maps each feature to {@code (x - mean) / std} with the
 * training set's mean and population standard deviation (features with no spread are only centred). The fitted
 * numbers go into checkpoint metadata ({@link #toMetadata}) so {@code eval} and {@code predict} reproduce them.
 */
public final class Preprocessing {

    public static final Preprocessing NONE = new Preprocessing(Map.of());

    private static final String PREFIX = "preprocess.";

    /** By input field name; a one-input model's entry applies to its one field whatever the name. */
    private final Map<String, Scaling> byInput;

    private Preprocessing(Map<String, Scaling> byInput) {
        this.byInput = byInput;
    }

    /** Fits the steps ("scale", "standardize", in order; "none") on each input field of the training set. */
    public static Preprocessing fit(List<String> steps, Dataset train) {
        Map<String, Scaling> fitted = new LinkedHashMap<>();
        for (Field f : train.inputs()) {
            fitted.put(f.name(), Scaling.fit(steps, f));
        }
        return new Preprocessing(fitted);
    }

    /** Anything was fitted (or read from metadata); {@link #NONE} and metadata without entries are not. */
    public boolean fitted() {
        return !byInput.isEmpty();
    }

    public Dataset apply(Dataset data) {
        if (byInput.isEmpty()) {
            return data;
        }
        return data.withFields(data.inputs().stream().map(f -> scalingOf(f, data).apply(f)).toList(), data.targets());
    }

    private Scaling scalingOf(Field f, Dataset data) {
        Scaling s = scalingOf(f.name(), data.inputs().size());
        if (s == null) {
            throw new NablaException(f.source() + ": preprocessing was fitted on the inputs " + byInput.keySet()
                    + ", not on \"" + f.name() + "\"");
        }
        return s;
    }

    /** What input {@code name} of a model of {@code inputs} inputs is scaled with: a lone one matches any name. */
    private Scaling scalingOf(String name, int inputs) {
        Scaling s = byInput.get(name);
        if (s == null && byInput.size() == 1 && inputs == 1) {
            s = byInput.values().iterator().next();
        }
        return s;
    }

    /**
     * What input {@code name} of a model of {@code inputs} inputs is preprocessed with, for code that applies the same
     * arithmetic elsewhere (the ONNX export writes it as the model's first nodes); empty when nothing was fitted for it.
     */
    public java.util.Optional<Scaling> scaling(String name, int inputs) {
        Scaling s = scalingOf(name, inputs);
        return s == null ? java.util.Optional.empty()
                : java.util.Optional.of(new Scaling(s.divisor, s.mean == null ? null : s.mean.clone(),
                        s.std == null ? null : s.std.clone()));
    }

    /**
     * Checks that input {@code name} of a model of {@code inputs} inputs, {@code width} values per sample, can be
     * preprocessed by {@link #applyRows} (nothing fitted for it means no preprocessing).
     *
     * @throws NablaException when the statistics were fitted on another number of features
     */
    public void checkInput(String name, int inputs, int width) {
        Scaling s = scalingOf(name, inputs);
        if (s != null && s.mean != null && s.mean.length != width) {
            throw new NablaException("the preprocessing of input \"" + name + "\" was fitted on " + s.mean.length
                    + " features per sample, but the model takes " + width);
        }
    }

    /**
     * Preprocesses {@code count} values of one input, whole samples of {@code width} values, from {@code src} at
     * {@code srcFrom} into {@code dst} at {@code dstFrom}, with exactly the arithmetic {@link #apply} uses;
     * allocates nothing. An input nothing was fitted for is copied as it is.
     */
    public void applyRows(String name, int inputs, float[] src, int srcFrom, float[] dst, int dstFrom, int count,
                          int width) {
        Scaling s = scalingOf(name, inputs);
        if (s == null) {
            System.arraycopy(src, srcFrom, dst, dstFrom, count);
        } else {
            s.apply(src, srcFrom, dst, dstFrom, count, width);
        }
    }

    /**
     * Metadata entries {@code preprocess.divisor}, {@code preprocess.mean}, {@code preprocess.std} for a one-input
     * model (as before there were several), {@code preprocess.INPUT.divisor} and so on for each input otherwise.
     */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        byInput.forEach((name, s) -> s.toMetadata(byInput.size() == 1 ? PREFIX : PREFIX + name + ".", m));
        return m;
    }

    /** The preprocessing stored by {@link #toMetadata}; none when the metadata has no entries. */
    public static Preprocessing fromMetadata(Map<String, String> metadata) {
        Map<String, Scaling> byInput = new LinkedHashMap<>();
        for (String key : metadata.keySet()) {
            if (key.startsWith(PREFIX) && key.endsWith(".divisor")) {
                String prefix = key.substring(0, key.length() - "divisor".length());
                String name = prefix.equals(PREFIX) ? "" : prefix.substring(PREFIX.length(), prefix.length() - 1);
                byInput.put(name, Scaling.fromMetadata(prefix, metadata));
            }
        }
        return new Preprocessing(byInput);
    }

    /**
     * What one input field is divided by, then centred and scaled with per-feature ({@code mean}, {@code std}; both
     * null without standardization): {@code (v / divisor - mean[j]) / std[j]} for feature j, in float.
     */
    public record Scaling(float divisor, float[] mean, float[] std) {

        static final Scaling NONE = new Scaling(1, null, null);

        static Scaling fit(List<String> steps, Field train) {
            Scaling s = NONE;
            for (String step : steps) {
                switch (step.toLowerCase(Locale.ROOT)) {
                    case "scale" -> s = new Scaling(s.scaleDivisor(train), s.mean, s.std);
                    case "standardize" -> s = s.withStatistics(train);
                    case "none" -> { }
                    default -> throw new NablaException("unknown preprocessing \"" + step + "\" (use scale or standardize)");
                }
            }
            return s;
        }

        private boolean identity() {
            return divisor == 1 && mean == null;
        }

        /** Value {@code j} of a row after this scaling: exactly what {@link #apply(Field)} stores. */
        private float scaled(float v, int j) {
            float x = v / divisor;
            return mean == null ? x : (x - mean[j]) / std[j];
        }

        /**
         * What {@code scale} divides the field by after this scaling: 255 for raw bytes, else the largest absolute
         * value. Computed value by value, without a scaled copy of the training set.
         */
        private float scaleDivisor(Field f) {
            if (f.uint8() && identity()) {
                return 255f;
            }
            float max = 0;
            for (int r = 0; r < f.rows(); r++) {
                for (int j = 0; j < f.width(); j++) {
                    max = Math.max(max, Math.abs(scaled(f.value(r, j), j)));
                }
            }
            return max == 0 ? 1 : max;
        }

        /** Statistics of the field after this scaling, computed value by value, without a scaled copy. */
        private Scaling withStatistics(Field f) {
            checkWidth(f);
            int w = f.width();
            double[] sum = new double[w];
            double[] sq = new double[w];
            for (int r = 0; r < f.rows(); r++) {
                for (int j = 0; j < w; j++) {
                    double v = scaled(f.value(r, j), j);
                    sum[j] += v;
                    sq[j] += v * v;
                }
            }
            float[] m = new float[w];
            float[] s = new float[w];
            for (int j = 0; j < w; j++) {
                double mu = sum[j] / f.rows();
                double sd = Math.sqrt(Math.max(0, sq[j] / f.rows() - mu * mu));
                m[j] = (float) mu;
                s[j] = sd < 1e-12 ? 1f : (float) sd;
            }
            return new Scaling(divisor, m, s);
        }

        private void checkWidth(Field f) {
            if (mean != null && mean.length != f.width()) {
                throw new NablaException(f.source() + ": " + f.width() + " features, but the standardization was fitted on "
                        + mean.length);
            }
        }

        /**
         * The field scaled: a byte field without standardization keeps its bytes and gets a new table of 256 values
         * (each computed as the float path computes it); anything else becomes a new array of floats.
         */
        Field apply(Field f) {
            if (identity()) {
                return f;
            }
            checkWidth(f);
            if (f.byteBacked() && mean == null) {
                float[] table = f.decodeTable();
                apply(table, 0, table, 0, table.length, table.length);
                return f.withDecodeTable(table, false);
            }
            float[] in = f.values();
            // A byte field's values() is already a fresh array: scale it where it is.
            float[] out = f.byteBacked() ? in : new float[in.length];
            apply(in, 0, out, 0, in.length, f.width());
            return f.withValues(out, false);
        }

        void apply(float[] in, int inFrom, float[] out, int outFrom, int count, int w) {
            for (int i = 0; i < count; i++) {
                float v = in[inFrom + i] / divisor;
                out[outFrom + i] = mean == null ? v : (v - mean[i % w]) / std[i % w];
            }
        }

        void toMetadata(String prefix, Map<String, String> m) {
            m.put(prefix + "divisor", Float.toString(divisor));
            if (mean != null) {
                m.put(prefix + "mean", join(mean));
                m.put(prefix + "std", join(std));
            }
        }

        /** @throws NablaException when the entries are missing, not numbers, or do not fit together */
        static Scaling fromMetadata(String prefix, Map<String, String> metadata) {
            float divisor = number(prefix + "divisor", metadata.get(prefix + "divisor"));
            String mean = metadata.get(prefix + "mean");
            String std = metadata.get(prefix + "std");
            if ((mean == null) != (std == null) || !(divisor != 0)) {
                throw new NablaException("checkpoint metadata: " + (divisor == 0 ? prefix + "divisor is 0"
                        : "\"" + prefix + (mean == null ? "mean" : "std") + "\" is missing (it comes with \"" + prefix
                        + (mean == null ? "std" : "mean") + "\")"));
            }
            if (mean == null) {
                return new Scaling(divisor, null, null);
            }
            float[] m = split(prefix + "mean", mean);
            float[] sd = split(prefix + "std", std);
            if (m.length != sd.length) {
                throw new NablaException("checkpoint metadata: " + prefix + "mean has " + m.length + " values but "
                        + prefix + "std " + sd.length);
            }
            for (float v : sd) {
                if (!(v > 0)) {
                    throw new NablaException("checkpoint metadata: " + prefix + "std holds " + v + "; deviations are positive");
                }
            }
            return new Scaling(divisor, m, sd);
        }

        private static float number(String key, String text) {
            float v;
            try {
                v = Float.parseFloat(text);
            } catch (NumberFormatException | NullPointerException e) {
                v = Float.NaN;
            }
            if (!Float.isFinite(v)) {
                String shown = text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
                throw new NablaException("checkpoint metadata: \"" + key + "\" is not a finite number: \"" + shown + "\"");
            }
            return v;
        }

        private static String join(float[] v) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                s.append(i > 0 ? "," : "").append(v[i]);
            }
            return s.toString();
        }

        private static float[] split(String key, String text) {
            String[] parts = text.split(",");
            float[] out = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = number(key, parts[i]);
            }
            return out;
        }
    }
}
