package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination: an instruction with the same op, operands (after earlier merges), attribute and
 * type as an earlier one is dropped, and its readers read the earlier value. Random draws are effects and are never
 * merged, even two with equal attributes: a model's draws each stand for their own mask.
 */
final class CommonSubexpressions {

    private record Key(Op op, List<Value> args, Attr attr, TensorType type) {
    }

    private CommonSubexpressions() {
    }

    static Graph apply(Graph g) {
        Map<Key, Value> seen = new HashMap<>();
        return Rewriter.apply(g, (r, i) -> i.op().random() ? null
                : seen.putIfAbsent(new Key(i.op(), i.args(), i.attr(), i.out().type()), i.out()));
    }
}
