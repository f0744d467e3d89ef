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

    /**
     * A function every model can call, built into the compiler or defined in {@code std.nabla}.
     *
     * @param formals  its parameters in order
     * @param required how many of the first formals have no default
     */
    public record Callable(String name, List<String> formals, int required) {
    }

    /** Every function a model can call without an import, by name: what a fuzzer must cover. */
    public static List<Callable> callables() {
        List<Callable> out = new ArrayList<>();
        Stdlib.table().forEach((name, v) -> {
            if (v instanceof Val.Builtin b) {
                int required = (int) b.fn().formals().stream().filter(f -> !b.fn().defaults().containsKey(f)).count();
                out.add(new Callable(name, b.fn().formals(), required));
            }
        });
        Stdlib.parsed(new Diagnostics()).ifPresent(f -> f.defs().forEach(d -> out.add(
                new Callable(d.name(), d.formals().stream().map(Decl.Formal::name).toList(),
                        (int) d.formals().stream().filter(x -> x.defaultValue() == null).count()))));
        out.sort(java.util.Comparator.comparing(Callable::name));
        return out;
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
