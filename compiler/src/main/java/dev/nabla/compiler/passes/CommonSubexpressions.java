package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination: an instruction with the same op, operands (after earlier merges), attribute and
 * type as an earlier one is dropped, and its readers read the earlier value. Random draws are effects and are never
 * merged, even two with equal attributes: a model's draws each stand for their own mask.
 */
final class CommonSubexpressions {

    private record Key(Op op, List<Value> args, Attr attr, dev.nabla.compiler.ir.TensorType type) {
    }

    private CommonSubexpressions() {
    }

    static Graph apply(Graph g) {
        Map<Key, Value> seen = new HashMap<>();
        Map<Value, Value> merged = new HashMap<>();
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            List<Value> args = i.args().stream().map(a -> merged.getOrDefault(a, a)).toList();
            Instr renamed = args.equals(i.args()) ? i : new Instr(i.out(), i.op(), args, i.attr(), i.span());
            if (!i.op().random()) {
                Value earlier = seen.putIfAbsent(new Key(i.op(), args, i.attr(), i.out().type()), i.out());
                if (earlier != null) {
                    merged.put(i.out(), earlier);
                    continue;
                }
            }
            body.add(renamed);
        }
        List<Graph.Output> outputs = g.outputs().stream()
                .map(o -> new Graph.Output(o.name(), merged.getOrDefault(o.value(), o.value()), o.role())).toList();
        return g.withBody(body, outputs);
    }
}
