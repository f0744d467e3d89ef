package dev.nabla.runtime.data;

import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a {@link DataSpec} (from a {@code train} block or the command line) into a {@link Dataset}.
 * <ul>
 *   <li>{@code idx}: paths (or options {@code images}, {@code labels}) = images file, labels file (plain or .gz)</li>
 *   <li>{@code csv}: one path; options {@code label} (-1), {@code header} (false), {@code layout} ("auto"), {@code drop} (none)</li>
 *   <li>{@code npy}: paths (or options {@code x}, {@code y}) = features, optional targets; or one option per model
 *       input and target, named after it, e.g. {@code seq}, {@code extra}, {@code y} (see {@link NpyFields})</li>
 * </ul>
 */
public final class DataLoader {

    /** Option keys whose values are files; every key of {@code npy} is (it names an input or a target). */
    private static final Set<String> PATH_KEYS = Set.of("images", "labels", "x", "y", "path");

    private DataLoader() {
    }

    /** Loads data whose fields need no model to be told apart: CSV, IDX, or {@code npy} with {@code x} and {@code y}. */
    public static Dataset load(DataSpec spec) {
        return load(spec, null);
    }

    /**
     * Loads data for {@code model}, whose input and target names an {@code npy} spec may use as keys; fields are
     * named but not yet bound or checked ({@link Datasets#check}).
     */
    public static Dataset load(DataSpec spec, ModelSpec model) {
        String format = spec.format().toLowerCase(Locale.ROOT);
        switch (format) {
            case "idx":
                return IdxReader.read(path(spec, 0, "images"), path(spec, 1, "labels"));
            case "csv":
                return CsvReader.read(path(spec, 0, "path"), csvOptions(spec));
            case "npy":
                return NpyFields.load(spec, model);
            default:
                throw new NablaException("unknown data format \"" + spec.format() + "\" (use "
                        + String.join(", ", DataSpec.FORMATS) + ")");
        }
    }

    private static CsvReader.Options csvOptions(DataSpec spec) {
        return new CsvReader.Options(spec.options().get("label"),
                Boolean.parseBoolean(spec.options().getOrDefault("header", "false")),
                spec.options().getOrDefault("layout", "auto"), spec.options().get("drop"));
    }

    /**
     * The names of the classes, in label order, when the data names them (the scikit-learn layout's first line,
     * {@code 150,4,setosa,versicolor,virginica}); otherwise none.
     */
    public static List<String> classNames(DataSpec spec) {
        return spec.format().equalsIgnoreCase("csv") ? CsvReader.classNames(path(spec, 0, "path"), csvOptions(spec))
                : List.of();
    }

    /**
     * Parses a command-line data spec: {@code [FORMAT:]ITEM,ITEM...} where an item is a path or
     * {@code key=value}; the format defaults from the first file name (.csv, .csv.gz, .npy, else idx), e.g.
     * {@code data/iris.csv}, {@code csv:data.csv,label=0,header=true}, {@code x.npy,y.npy},
     * {@code seq=seq.npy,extra=extra.npy,y=labels.npy} (one file per model input and target, named after it),
     * {@code train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz}. Relative paths resolve against {@code base}.
     */
    public static DataSpec parse(String text, Path base) {
        String format = null;
        String rest = text;
        int colon = text.indexOf(':');
        if (colon > 1 && DataSpec.FORMATS.contains(text.substring(0, colon).toLowerCase(Locale.ROOT))) {
            format = text.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = text.substring(colon + 1);
        }
        List<String> paths = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String item : rest.split(",")) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                options.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            } else if (!item.isBlank()) {
                paths.add(base.resolve(item.trim()).toString());
            }
        }
        if (format == null) {
            format = guessFormat(paths.isEmpty() ? options.values().iterator().next() : paths.get(0));
            if (format.equals("idx") && paths.size() == 1 && !options.containsKey("labels")) {
                // one file whose name says no format: the guess (IDX, a pair of files) would only say labels are missing
                throw new NablaException("data '" + text + "': read as IDX (the name does not end in .csv, .csv.gz, .npy"
                        + " or .npy.gz), which takes two files, images then labels (images.gz,labels.gz); for a CSV or"
                        + " .npy file, name the format: csv:" + text + " or npy:" + text);
            }
        }
        boolean npy = format.equals("npy");
        options.replaceAll((key, value) -> npy || PATH_KEYS.contains(key) ? base.resolve(value).toString() : value);
        return new DataSpec(format, paths, options);
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

}
