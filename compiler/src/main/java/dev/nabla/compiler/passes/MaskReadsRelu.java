package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code greater(a, 0)} where {@code r = relu(a)} is computed earlier becomes {@code greater(r, 0)} (equal for every
 * a, NaN included): the ReLU backward mask then reads the ReLU's output, and {@code a}, the pre-activation, is left
 * with the ReLU as its only reader, so {@code fuse-matmul} and {@code fuse-conv} can take the ReLU into the product's
 * epilogue and the pre-activation gets no buffer; a pooled ReLU's mask then reads the pooling's input, which
 * {@code fuse-pool-mask} needs.
 */
final class MaskReadsRelu {

    private MaskReadsRelu() {
    }

    static Graph apply(Graph g) {
        Map<Value, Value> reluOf = new HashMap<>();
        return Rewriter.apply(g, (r, i) -> {
            if (i.op() == Op.RELU) {
                reluOf.putIfAbsent(i.args().get(0), i.out());
            }
            Value relu = reluOf.get(i.args().isEmpty() ? null : i.args().get(0));
            Double zero = i.op() == Op.GREATER ? r.constant(i.args().get(1)) : null;
            if (relu == null || zero == null || zero != 0 || relu.equals(i.out())) {
                return null;
            }
            return r.recompute(i, Op.GREATER, i.attr(), List.of(relu, i.args().get(1)));
        });
    }
}
