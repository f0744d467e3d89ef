package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ReLU's gradient fused into the pooling gradient behind it: {@code select(greater(x, 0), max_pool2d_backward(x,
 * g), 0)}, the ReLU backward mask applied to the gradient of a max pooling of ReLU outputs x (after
 * {@code mask-reads-relu}, the mask tests the pooling's own input), is {@code max_pool2d_backward_relu(x, g)}: the
 * pooling gradient is non-zero only at each window's maximum, so the mask is one test per window inside the pooling
 * kernel instead of a pass over the whole input. The comparison, when nothing else reads it, is dropped.
 */
final class FusePoolMask {

    private FusePoolMask() {
    }

    static Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Instr> dropped = new HashSet<>();
        Map<Instr, List<Instr>> replaced = new HashMap<>();
        for (Instr pool : g.body()) {
            Instr select = pool.op() == Op.MAX_POOL2D_BACKWARD ? uses.onlyReader(pool.out()) : null;
            if (select == null || select.op() != Op.SELECT || !select.args().get(1).equals(pool.out())
                    || !uses.isZero(select.args().get(2)) || !select.out().shape().equals(pool.out().shape())) {
                continue;
            }
            Instr greater = uses.producer(select.args().get(0));
            if (greater != null && greater.op() == Op.GREATER && greater.args().get(0).equals(pool.args().get(0))
                    && uses.isZero(greater.args().get(1))) {
                dropped.add(pool);
                replaced.put(select, List.of(new Instr(select.out(), Op.MAX_POOL2D_BACKWARD_RELU, pool.args(),
                        pool.attr(), select.span())));
            }
        }
        return DeadCode.apply(Uses.rebuild(g, dropped, replaced));
    }
}
