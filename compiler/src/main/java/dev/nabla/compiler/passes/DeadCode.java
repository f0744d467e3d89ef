package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops instructions no output needs: values a rewrite left without readers, and gradient code nothing reads.
 * Random draws stay (an effect is never dropped, though a counter-based draw that nothing reads changes no other).
 */
final class DeadCode {

    private DeadCode() {
    }

    static Graph apply(Graph g) {
        Set<Value> live = new HashSet<>();
        g.outputs().forEach(o -> live.add(o.value()));
        List<Instr> body = g.body();
        boolean[] keep = new boolean[body.size()];
        for (int k = body.size() - 1; k >= 0; k--) {
            Instr i = body.get(k);
            if (live.contains(i.out()) || i.op().random()) {
                keep[k] = true;
                live.addAll(i.args());
            }
        }
        List<Instr> kept = new ArrayList<>();
        for (int k = 0; k < body.size(); k++) {
            if (keep[k]) {
                kept.add(body.get(k));
            }
        }
        return g.withBody(kept, g.outputs());
    }
}
