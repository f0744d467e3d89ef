package dev.nabla.runtime.data;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.TrainConfig.DataSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code npy} data format: one {@code .npy} file per field, samples along the first axis, any rank. A spec
 * names the files either {@code x} and {@code y} (the first two paths, or options), for a model with one input and
 * one target, or after the model's inputs and targets ({@code seq=seq.npy,extra=extra.npy,y=labels.npy}). The
 * model's own names come first, so an input called {@code y} is an input. Fields keep the arrays' shapes
 * ({@link Field#exactShape}): {@link Datasets#check} compares them with the declarations.
 */
final class NpyFields {

    private NpyFields() {
    }

    /** @param model whose input and target names the keys may be, or {@code null} to accept only x and y */
    static Dataset load(DataSpec spec, ModelSpec model) {
        List<String> inputNames = model == null ? List.of() : names(model, BufferRole.INPUT);
        List<String> targetNames = model == null ? List.of() : names(model, BufferRole.TARGET);
        Map<String, String> files = files(spec);
        List<Field> inputs = take(files, withAlias(inputNames, Dataset.UNNAMED_INPUT, targetNames));
        List<Field> targets = take(files, withAlias(targetNames, Dataset.UNNAMED_TARGET, inputNames));
        if (!files.isEmpty()) {
            String key = files.keySet().iterator().next();
            throw new NablaException("npy data: \"" + key + "\" (" + files.get(key) + ") is neither an input nor a target"
                    + (model == null ? "; without a model only x and y are known"
                    : " of model " + model.name() + " (inputs: " + String.join(", ", inputNames)
                    + "; targets: " + (targetNames.isEmpty() ? "none" : String.join(", ", targetNames)) + ")"));
        }
        if (inputs.isEmpty()) {
            throw new NablaException("npy data needs " + (inputNames.size() > 1
                    ? "a file for each input of model " + model.name() + ": " + String.join(", ", inputNames)
                    : "x = FILE"));
        }
        List<String> sources = new ArrayList<>();
        inputs.forEach(f -> sources.add(f.source()));
        targets.forEach(f -> sources.add(f.source()));
        return new Dataset(String.join(" + ", sources), inputs, targets, null);
    }

    private static List<String> names(ModelSpec model, BufferRole role) {
        return model.indicesOf(role).stream().map(i -> model.buffers().get(i).name()).toList();
    }

    /** The key of every file: the options, with the first two paths as x and y. */
    private static Map<String, String> files(DataSpec spec) {
        if (spec.paths().size() > 2) {
            throw new NablaException("npy data takes two unnamed files at most (x, then y), got " + spec.paths().size()
                    + ": name each after the model's input or target it holds, e.g. npy:seq=seq.npy,extra=extra.npy,y=y.npy");
        }
        Map<String, String> files = new LinkedHashMap<>();
        String[] unnamed = {Dataset.UNNAMED_INPUT, Dataset.UNNAMED_TARGET};
        for (int i = 0; i < spec.paths().size(); i++) {
            files.put(unnamed[i], spec.paths().get(i));
        }
        files.putAll(spec.options());
        return files;
    }

    /** The model's names of one role, then the unnamed key unless the model gives that name to the other role. */
    private static List<String> withAlias(List<String> names, String alias, List<String> otherRole) {
        List<String> out = new ArrayList<>(names);
        if (!names.contains(alias) && !otherRole.contains(alias)) {
            out.add(alias);
        }
        return out;
    }

    /** Reads and removes the files of {@code keys}, in that order. */
    private static List<Field> take(Map<String, String> files, List<String> keys) {
        List<Field> fields = new ArrayList<>();
        for (String key : keys) {
            String file = files.remove(key);
            if (file != null) {
                fields.add(read(key, Path.of(file)));
            }
        }
        return fields;
    }

    private static Field read(String name, Path file) {
        NpyReader.Array a = NpyReader.read(file);
        if (a.shape().length == 0) {
            throw new NablaException(file + ": a scalar array holds no samples");
        }
        int[] sample = Arrays.copyOfRange(a.shape(), 1, a.shape().length);
        if (Dataset.product(sample) == 0) {
            throw new NablaException(file + ": samples of shape " + Arrays.toString(sample) + " hold no values");
        }
        return a.field(name, file.toString(), sample, true);
    }
}
