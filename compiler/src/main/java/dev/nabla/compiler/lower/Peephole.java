package dev.nabla.compiler.lower;

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
 * Graph rewrites that let fusion do more. {@code greater(a, 0)} where {@code r = relu(a)} is computed earlier
 * becomes {@code greater(r, 0)} (equal for every a, NaN included): the ReLU backward mask then reads the ReLU's
 * output, and {@code a} — the pre-activation — is left with the ReLU as its only reader, so the
 * {@code matmul -> add -> relu} chain fuses into one Gemm epilogue and the pre-activation gets no buffer.
 */
final class Peephole {

    private Peephole() {
    }

    static Graph run(Graph g) {
        Map<Value, Value> reluOf = new HashMap<>();
        Map<Value, Instr> producer = new HashMap<>();
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            producer.put(i.out(), i);
            Instr rewritten = i;
            if (i.op() == Op.GREATER && reluOf.containsKey(i.args().get(0)) && isZero(producer.get(i.args().get(1)))) {
                List<Value> args = List.of(reluOf.get(i.args().get(0)), i.args().get(1));
                rewritten = new Instr(i.out(), i.op(), args, i.attr(), i.span());
            }
            if (i.op() == Op.RELU) {
                reluOf.putIfAbsent(i.args().get(0), i.out());
            }
            body.add(rewritten);
        }
        return g.withBody(body, g.outputs());
    }

    /** Whether {@code c} (possibly null: an input has no producer) is a constant 0. */
    static boolean isZero(Instr c) {
        return c != null && c.op() == Op.CONSTANT && ((Attr.Const) c.attr()).value() == 0;
    }
}
