package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.syntax.Decl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Source text to checked models: parse, resolve imports, elaborate every model of the file. */
public final class Frontend {

    private Frontend() {
    }

    /** The models that compiled without errors; every problem found is in {@code diagnostics}. */
    public static List<ModelIr> compile(String fileName, String source, Diagnostics diagnostics) {
        Optional<Loader.Unit> unit = new Loader(diagnostics).load(fileName, source);
        if (unit.isEmpty()) {
            return List.of();
        }
        List<ModelIr> models = new ArrayList<>();
        Map<String, Decl.Model> seen = new HashMap<>();
        for (Decl.Model m : unit.get().file().models()) {
            Decl.Model earlier = seen.putIfAbsent(m.name(), m);
            if (earlier != null) {
                diagnostics.error(m.span(), "model '" + m.name() + "' is already defined ("
                        + Evaluator.where(earlier.span(), m.span()) + ")");
                continue;
            }
            ModelElaborator.elaborate(m, fileName, unit.get().globals(), diagnostics).ifPresent(models::add);
        }
        return models;
    }
}
