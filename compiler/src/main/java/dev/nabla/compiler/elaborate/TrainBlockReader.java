package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Expr;
import dev.nabla.compiler.syntax.Stmt;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a {@code train} block and turns it into a {@link TrainConfig}; every bad entry is reported. */
final class TrainBlockReader {

    private static final List<String> KEYS = List.of("optimizer", "schedule", "warmup", "batch", "epochs", "seed",
            "clip", "shuffle", "drop_last", "data", "test", "split", "validation", "early_stopping", "preprocess");
    private static final Set<String> PREPROCESSING = Set.of("scale", "standardize");

    private final Path dir;
    private final TrainData.Declared declared;
    private final Diagnostics diagnostics;
    private final Map<String, Stmt.Entry> entries = new LinkedHashMap<>();

    /** @param model whose input and target names the files of {@code npy} data may take */
    TrainBlockReader(String modelFile, Decl.Model model, Diagnostics diagnostics) {
        Path parent = Path.of(modelFile).getParent();
        this.dir = parent == null ? Path.of("") : parent;
        this.declared = TrainData.Declared.of(model);
        this.diagnostics = diagnostics;
    }

    TrainConfig read(Stmt.Train block) {
        for (Stmt.Entry e : block.entries()) {
            if (!KEYS.contains(e.key())) {
                diagnostics.error(e.span(), "unknown train setting '" + e.key() + "'" + suggestion(e.key()));
            } else if (entries.containsKey(e.key())) {
                diagnostics.error(e.span(), "'" + e.key() + "' is already set ("
                        + Evaluator.where(entries.get(e.key()).span(), e.span()) + ")");
            } else {
                entries.put(e.key(), e);
            }
        }
        TrainConfig d = TrainConfig.EMPTY;
        OptimizerSpec optimizer = get("optimizer", d.optimizer(), TrainValues::optimizer);
        TrainConfig.Schedule schedule = get("schedule", d.schedule(), TrainValues::schedule);
        int warmup = get("warmup", 0, e -> TrainValues.integer(e, 0));
        return new TrainConfig(optimizer,
                new TrainConfig.Schedule(schedule.kind(), schedule.gamma(), schedule.stepSize(), warmup),
                get("batch", d.batchSize(), e -> TrainValues.integer(e, 1)),
                get("epochs", d.epochs(), e -> TrainValues.integer(e, 1)),
                get("clip", d.clipNorm(), e -> TrainValues.number(e, 0, Double.MAX_VALUE)),
                get("seed", d.seed(), TrainValues::seed),
                get("shuffle", d.shuffle(), TrainValues::bool),
                get("drop_last", d.dropLast(), TrainValues::bool),
                get("data", d.trainData(), e -> TrainData.data(e, dir, declared)),
                get("test", d.testData(), e -> TrainData.data(e, dir, declared)),
                get("split", d.testSplit(), TrainValues::fraction),
                get("validation", d.validationSplit(), TrainValues::fraction),
                get("early_stopping", d.earlyStopping(), e -> TrainValues.integer(e, 0)),
                get("preprocess", d.preprocess(), TrainBlockReader::preprocess));
    }

    private static String suggestion(String key) {
        return Suggestions.didYouMean(key, KEYS) + (Suggestions.closest(key, KEYS).isEmpty()
                ? " (settings: " + String.join(", ", KEYS) + ")" : "");
    }

    private interface Reader<T> {
        T read(Expr e);
    }

    /** The setting's value, its default when absent, or the default after reporting why the value is wrong. */
    private <T> T get(String key, T fallback, Reader<T> reader) {
        Stmt.Entry e = entries.get(key);
        if (e == null) {
            return fallback;
        }
        try {
            return reader.read(e.value());
        } catch (ElabError error) {
            diagnostics.error(error.span(), "train setting '" + key + "': " + error.getMessage());
            return fallback;
        }
    }

    private static List<String> preprocess(Expr e) {
        List<Expr> steps = e instanceof Expr.ListLit l ? l.items() : List.of(e);
        List<String> out = new ArrayList<>();
        for (Expr step : steps) {
            String name = TrainValues.symbol(step);
            if (!PREPROCESSING.contains(name)) {
                throw new ElabError(step.span(), "unknown preprocessing '" + name + "'"
                        + Suggestions.didYouMean(name, PREPROCESSING) + " (use scale or standardize)");
            }
            out.add(name);
        }
        return out;
    }
}
