package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives graph values the names of the source: a value bound to {@code logits} is {@code %logits} even when it
 * was built deep inside an inlined definition. Bindings closer to the model win over bindings inside
 * definitions; inputs and parameters keep the names they were declared with.
 */
final class ValueNames {

    private record Choice(String name, int depth) {
    }

    private final Map<String, Choice> preferred = new HashMap<>();
    private final Set<String> fixed = new HashSet<>();

    void fix(Value v) {
        fixed.add(v.name());
    }

    /** Proposes {@code name} for {@code v}, bound {@code depth} inlined calls deep. */
    void prefer(Value v, String name, int depth) {
        if (fixed.contains(v.name())) {
            return;
        }
        Choice old = preferred.get(v.name());
        if (old == null || depth < old.depth()) {
            preferred.put(v.name(), new Choice(name, depth));
        }
    }

    /** The graph with every value renamed: source names first (in order), then the automatic ones. */
    Graph apply(Graph g) {
        Set<String> used = new HashSet<>(fixed);
        Map<String, Integer> suffixes = new HashMap<>();
        Map<String, Value> renamed = new HashMap<>();
        for (Graph.Input in : g.inputs()) {
            used.add(in.value().name());
            renamed.put(in.value().name(), in.value());
        }
        for (Instr i : g.body()) {
            Choice c = preferred.get(i.out().name());
            if (c != null) {
                renamed.put(i.out().name(), new Value(unique(c.name(), used, suffixes), i.out().type()));
            }
        }
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            Value out = renamed.computeIfAbsent(i.out().name(), n -> new Value(unique(n, used, suffixes), i.out().type()));
            body.add(new Instr(out, i.op(), i.args().stream().map(a -> renamed.get(a.name())).toList(), i.attr(), i.span()));
        }
        List<Graph.Output> outputs = g.outputs().stream()
                .map(o -> new Graph.Output(o.name(), renamed.get(o.value().name()), o.role())).toList();
        return new Graph(g.name(), g.inputs(), body, outputs);
    }

    /**
     * {@code base}, or {@code base.N} with the first N not taken. The next N to try is kept per base: thousands of
     * values named alike (an expression nested 16,000 deep) would otherwise rescan 1..N each, quadratic time.
     */
    private static String unique(String base, Set<String> used, Map<String, Integer> suffixes) {
        String name = base;
        int n = suffixes.getOrDefault(base, 1);
        while (!used.add(name)) {
            name = base + "." + n++;
        }
        suffixes.put(base, n);
        return name;
    }
}
