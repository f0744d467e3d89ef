package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a {@link DataSpec} (from a {@code train} block or the command line) into a {@link Dataset}.
 * <ul>
 *   <li>{@code idx}: paths (or options {@code images}, {@code labels}) = images file, labels file (plain or .gz)</li>
 *   <li>{@code csv}: one path; options {@code label} (-1), {@code header} (false), {@code layout} ("auto"), {@code drop} (none)</li>
 *   <li>{@code npy}: paths (or options {@code x}, {@code y}) = features, optional targets</li>
 * </ul>
 */
public final class DataLoader {

    private DataLoader() {
    }

    public static Dataset load(DataSpec spec) {
        String format = spec.format().toLowerCase(Locale.ROOT);
        switch (format) {
            case "idx":
                return IdxReader.read(path(spec, 0, "images"), path(spec, 1, "labels"));
            case "csv":
                return CsvReader.read(path(spec, 0, "path"), new CsvReader.Options(spec.options().get("label"),
                        Boolean.parseBoolean(spec.options().getOrDefault("header", "false")),
                        spec.options().getOrDefault("layout", "auto"), spec.options().get("drop")));
            case "npy":
                return npy(path(spec, 0, "x"), optionalPath(spec, 1, "y"));
            default:
                throw new NablaException("unknown data format \"" + spec.format() + "\" (use idx, csv or npy)");
        }
    }

    /**
     * Parses a command-line data spec: {@code [FORMAT:]ITEM,ITEM...} where an item is a path or
     * {@code key=value}; the format defaults from the first file name (.csv, .csv.gz, .npy, else idx), e.g.
     * {@code data/iris.csv}, {@code csv:data.csv,label=0,header=true}, {@code x.npy,y.npy},
     * {@code train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz}. Relative paths resolve against {@code base}.
     */
    public static DataSpec parse(String text, Path base) {
        String format = null;
        String rest = text;
        int colon = text.indexOf(':');
        if (colon > 1 && text.substring(0, colon).matches("(?i)idx|csv|npy")) {
            format = text.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = text.substring(colon + 1);
        }
        List<String> paths = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String item : rest.split(",")) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                String key = item.substring(0, eq).trim();
                String value = item.substring(eq + 1).trim();
                options.put(key, isPathKey(key) ? base.resolve(value).toString() : value);
            } else if (!item.isBlank()) {
                paths.add(base.resolve(item.trim()).toString());
            }
        }
        if (format == null) {
            format = guessFormat(paths.isEmpty() ? options.values().iterator().next() : paths.get(0));
        }
        return new DataSpec(format, paths, options);
    }

    private static boolean isPathKey(String key) {
        return key.equals("images") || key.equals("labels") || key.equals("x") || key.equals("y") || key.equals("path");
    }

    private static String guessFormat(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            return "csv";
        }
        return name.endsWith(".npy") || name.endsWith(".npy.gz") ? "npy" : "idx";
    }

    private static Path path(DataSpec spec, int index, String key) {
        Path p = optionalPath(spec, index, key);
        if (p == null) {
            throw new NablaException(spec.format() + " data needs " + (key.equals("path") ? "a file" : key + " = FILE"));
        }
        return p;
    }

    private static Path optionalPath(DataSpec spec, int index, String key) {
        if (spec.options().containsKey(key)) {
            return Path.of(spec.options().get(key));
        }
        return index < spec.paths().size() ? Path.of(spec.paths().get(index)) : null;
    }

    private static Dataset npy(Path xFile, Path yFile) {
        NpyReader.Array x = NpyReader.read(xFile);
        if (x.shape().length == 0) {
            throw new NablaException(xFile + ": a scalar array holds no samples");
        }
        int[] sample = x.shape().length == 1 ? new int[] {1} : java.util.Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        if (yFile == null) {
            return new Dataset(xFile.toString(), x.values(), sample, null, 0, x.uint8(), null);
        }
        NpyReader.Array y = NpyReader.read(yFile);
        if (y.shape().length == 0 || y.shape()[0] != x.shape()[0]) {
            throw new NablaException(xFile + " has " + x.shape()[0] + " samples but " + yFile + " has "
                    + (y.shape().length == 0 ? 0 : y.shape()[0]) + " targets");
        }
        int width = y.values().length / Math.max(1, y.shape()[0]);
        return new Dataset(xFile + " + " + yFile, x.values(), sample, y.values(), width, x.uint8(), null);
    }
}
