package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Input preprocessing fitted on the training set only and applied unchanged to validation, test and prediction
 * data. {@code scale} divides every feature by one number: 255 for raw bytes (IDX or {@code |u1} npy, as
 * torchvision's ToTensor), otherwise the training set's largest absolute value. {@code standardize} maps each
 * feature to {@code (x - mean) / std} with the training set's mean and population standard deviation (features
 * with no spread are only centred). The fitted numbers go into checkpoint metadata ({@link #toMetadata}) so
 * {@code eval} and {@code predict} reproduce them.
 */
public final class Preprocessing {

    public static final Preprocessing NONE = new Preprocessing(1, null, null);

    private final float divisor;
    private final float[] mean;
    private final float[] std;

    private Preprocessing(float divisor, float[] mean, float[] std) {
        this.divisor = divisor;
        this.mean = mean;
        this.std = std;
    }

    /** Fits the steps ("scale", "standardize", in order; "none") on the training set. */
    public static Preprocessing fit(List<String> steps, Dataset train) {
        Preprocessing p = NONE;
        Dataset current = train;
        for (String step : steps) {
            switch (step.toLowerCase(Locale.ROOT)) {
                case "scale":
                    p = new Preprocessing(scaleDivisor(current), p.mean, p.std);
                    break;
                case "standardize":
                    p = p.withStatistics(current);
                    break;
                case "none":
                    break;
                default:
                    throw new NablaException("unknown preprocessing \"" + step + "\" (use scale or standardize)");
            }
            current = p.apply(train);
        }
        return p;
    }

    private static float scaleDivisor(Dataset d) {
        if (d.uint8()) {
            return 255f;
        }
        float max = 0;
        for (int r = 0; r < d.rows(); r++) {
            for (int j = 0; j < d.featureCount(); j++) {
                max = Math.max(max, Math.abs(d.feature(r, j)));
            }
        }
        return max == 0 ? 1 : max;
    }

    /** Statistics of the already scaled data. */
    private Preprocessing withStatistics(Dataset scaled) {
        int f = scaled.featureCount();
        double[] sum = new double[f];
        double[] sq = new double[f];
        for (int r = 0; r < scaled.rows(); r++) {
            for (int j = 0; j < f; j++) {
                double v = scaled.feature(r, j);
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        float[] m = new float[f];
        float[] s = new float[f];
        for (int j = 0; j < f; j++) {
            double mu = sum[j] / scaled.rows();
            double sd = Math.sqrt(Math.max(0, sq[j] / scaled.rows() - mu * mu));
            m[j] = (float) mu;
            s[j] = sd < 1e-12 ? 1f : (float) sd;
        }
        return new Preprocessing(divisor, m, s);
    }

    public Dataset apply(Dataset data) {
        if (divisor == 1 && mean == null) {
            return data;
        }
        if (mean != null && mean.length != data.featureCount()) {
            throw new NablaException(data.source() + ": " + data.featureCount() + " features, but the standardization was fitted on "
                    + mean.length);
        }
        return data.mapFeatures((column, value) -> {
            float v = value / divisor;
            return mean == null ? v : (v - mean[column]) / std[column];
        });
    }

    /** Metadata entries {@code preprocess.divisor}, {@code preprocess.mean}, {@code preprocess.std}. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("preprocess.divisor", Float.toString(divisor));
        if (mean != null) {
            m.put("preprocess.mean", join(mean));
            m.put("preprocess.std", join(std));
        }
        return m;
    }

    /** The preprocessing stored by {@link #toMetadata}; none when the metadata has no entries. */
    public static Preprocessing fromMetadata(Map<String, String> metadata) {
        float divisor = Float.parseFloat(metadata.getOrDefault("preprocess.divisor", "1"));
        String mean = metadata.get("preprocess.mean");
        return new Preprocessing(divisor, mean == null ? null : split(mean), mean == null ? null : split(metadata.get("preprocess.std")));
    }

    private static String join(float[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? "," : "").append(v[i]);
        }
        return s.toString();
    }

    private static float[] split(String text) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }
}
