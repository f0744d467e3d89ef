package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Expr;
import dev.nabla.compiler.syntax.Stmt;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.data.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Readers for the data settings of a train block ({@code data}, {@code test}): {@code csv(...)}, {@code idx(...)},
 * {@code npy(...)}, with paths resolved against the model file's directory.
 */
final class TrainData {

    private static final List<String> FORMATS = TrainConfig.DataSpec.FORMATS;

    private TrainData() {
    }

    /** The names of a model's inputs and targets, which name the files of its {@code npy} data. */
    record Declared(String model, List<String> inputs, List<String> targets) {

        static Declared of(Decl.Model m) {
            List<String> inputs = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            for (Stmt s : m.body()) {
                if (s instanceof Stmt.Input i) {
                    inputs.add(i.name());
                } else if (s instanceof Stmt.Target t) {
                    targets.add(t.name());
                }
            }
            return new Declared(m.name(), inputs, targets);
        }

        String describe() {
            return "inputs: " + String.join(", ", inputs) + "; targets: " + (targets.isEmpty() ? "none" : String.join(", ", targets));
        }

        /** {@code npy(seq = ..., extra = ..., y = ...)}. */
        String example() {
            List<String> all = new ArrayList<>(inputs);
            all.addAll(targets);
            return "npy(" + String.join(", ", all.stream().map(n -> n + " = \"" + n + ".npy\"").toList()) + ")";
        }
    }

    static TrainConfig.DataSpec data(Expr e, Path dir, Declared model) {
        TrainValues.Form f = TrainValues.form(e, FORMATS, "data format");
        return switch (f.name()) {
            case "csv" -> {
                Args a = TrainValues.args(f, List.of("path", "label", "header", "layout", "drop"), Map.of("label", new Val.Num(-1, true),
                        "header", new Val.Bool(false), "layout", new Val.Str("sklearn"), "drop", new Val.Str("none")));
                Map<String, String> options = new LinkedHashMap<>();
                options.put("label", Integer.toString(a.integer("label")));
                options.put("header", Boolean.toString(a.bool("header")));
                options.put("layout", a.string("layout"));
                // drop = "none" (the default) or a column index, as label; any other string is an error from integer()
                if (!(a.get("drop") instanceof Val.Str none && none.value().equals("none"))) {
                    options.put("drop", Integer.toString(a.integer("drop")));
                }
                yield new TrainConfig.DataSpec("csv", List.of(path(a, "path", dir)), options);
            }
            case "idx" -> {
                Args a = TrainValues.args(f, List.of("images", "labels"), Map.of());
                yield new TrainConfig.DataSpec("idx", List.of(path(a, "images", dir), path(a, "labels", dir)), Map.of());
            }
            default -> npy(f, dir, model);
        };
    }

    /**
     * {@code npy(x = ..., y = ...)} for a model with one input (the paths, as before), or one file per input and
     * target named after it, {@code npy(seq = ..., extra = ..., y = ...)} (options keyed by those names, where
     * {@code x} and {@code y} may still stand for a lone input or target). Every input and target needs a file.
     */
    private static TrainConfig.DataSpec npy(TrainValues.Form f, Path dir, Declared model) {
        List<String> formals = new ArrayList<>(List.of(Dataset.UNNAMED_INPUT, Dataset.UNNAMED_TARGET));
        Stream.concat(model.inputs().stream(), model.targets().stream()).filter(n -> !formals.contains(n)).forEach(formals::add);
        for (Args.Actual actual : f.actuals()) {
            if (actual.name() != null && !formals.contains(actual.name())) {
                throw new ElabError(actual.span(), "'" + actual.name() + "' is not an input or target of model "
                        + model.model() + Suggestions.didYouMean(actual.name(), formals) + " (" + model.describe() + ")");
            }
        }
        Args a = TrainValues.args(f, formals, Map.of());
        Map<String, String> files = new LinkedHashMap<>();
        files(a, dir, model.inputs(), Dataset.UNNAMED_INPUT, "input", model, files);
        files(a, dir, model.targets(), Dataset.UNNAMED_TARGET, "target", model, files);
        if (files.keySet().stream().allMatch(k -> k.equals(Dataset.UNNAMED_INPUT) || k.equals(Dataset.UNNAMED_TARGET))) {
            return new TrainConfig.DataSpec("npy", List.copyOf(files.values()), Map.of());
        }
        return new TrainConfig.DataSpec("npy", List.of(), files);
    }

    /**
     * Adds the file of each of the model's {@code names} (inputs or targets) to {@code files}, given by name or, for a
     * lone declaration, by {@code alias} ({@code x} or {@code y}); reports one given twice, a missing one, and the
     * alias used for several.
     */
    private static void files(Args a, Path dir, List<String> names, String alias, String role, Declared model,
                              Map<String, String> files) {
        boolean aliased = a.given(alias) && !names.contains(alias);
        if (aliased && names.size() > 1) {
            throw new ElabError(a.span(alias), "'" + alias + "' stands for the " + role + " of a model with one; model "
                    + model.model() + " has " + role + "s " + String.join(", ", names) + ": give each its own file, as in "
                    + model.example());
        }
        if (aliased && names.size() == 1 && a.given(names.get(0))) {
            throw new ElabError(a.span(alias), "'" + alias + "' and '" + names.get(0) + "' both name the " + role
                    + " '" + names.get(0) + "'");
        }
        if (aliased) {
            files.put(alias, path(a, alias, dir));
        }
        for (String name : names) {
            if (a.given(name)) {
                files.put(name, path(a, name, dir));
            } else if (!aliased) {
                throw new ElabError(a.call(), "no file for " + role + " '" + name + "' of model " + model.model()
                        + ": npy data takes one file per input and target, as in " + model.example());
            }
        }
    }

    private static String path(Args a, String name, Path dir) {
        if (!a.given(name)) {
            throw new ElabError(a.call(), "missing argument '" + name + "' in the call of '" + a.fn() + "'");
        }
        String p = a.string(name);
        if (p.isEmpty()) {
            throw new ElabError(a.span(name), "the path is empty");
        }
        try {
            return dir.resolve(p).normalize().toString();
        } catch (java.nio.file.InvalidPathException ex) {
            throw new ElabError(a.span(name), "'" + p + "' is not a valid path");
        }
    }
}
