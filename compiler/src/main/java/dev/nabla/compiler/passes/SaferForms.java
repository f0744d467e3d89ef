package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.List;

/**
 * Numerically safer forms of what users write naively, so the naive form trains too:
 * <ul>
 *   <li>{@code logOfSoftmax}: log(softmax(x)) is log_softmax(x), finite where softmax underflows to 0 (so
 *       cross-entropy written on probabilities, {@code -sum(t * log(softmax(z)))}, becomes the logits form);</li>
 *   <li>{@code logOfSigmoid}: log(sigmoid(x)) is -softplus(-x), finite for x below about -104, where sigmoid is 0
 *       in float;</li>
 *   <li>{@code logOfOnePlusExp}: log(1 + exp(x)) and log1p(exp(x)) are softplus(x), finite for x above about 88,
 *       where exp overflows.</li>
 * </ul>
 * softplus(z) is written max(z, 0) + log1p(exp(-|z|)), as std.nabla's softplus.
 */
final class SaferForms {

    private SaferForms() {
    }

    static Graph apply(Graph g) {
        return Rewriter.apply(g, SaferForms::rewrite);
    }

    private static Value rewrite(Rewriter r, Instr i) {
        if (i.op() != Op.LOG && i.op() != Op.LOG1P) {
            return null;
        }
        Instr p = r.producer(i.args().get(0));
        if (p == null) {
            return null;
        }
        if (i.op() == Op.LOG1P) {
            return p.op() == Op.EXP && !nonPositive(r, p.args().get(0)) ? softplus(r, i, p.args().get(0)) : null;
        }
        return switch (p.op()) {
            case SOFTMAX -> r.recompute(i, Op.LOG_SOFTMAX, p.attr(), List.of(p.args().get(0)));
            case SIGMOID -> r.recompute(i, Op.NEG, dev.nabla.compiler.ir.Attr.NONE,
                    List.of(softplus(r, i, r.add(Op.NEG, i.out().name() + ".neg", p.args().get(0)))));
            case ADD -> {
                Value exp = onePlus(r, p);
                yield exp == null ? null : softplus(r, i, exp);
            }
            default -> null;
        };
    }

    /** x when {@code sum} is 1 + exp(x) or exp(x) + 1 with x of the sum's type, else null. */
    private static Value onePlus(Rewriter r, Instr sum) {
        for (int k = 0; k < 2; k++) {
            Double one = r.constant(sum.args().get(k));
            Instr e = r.producer(sum.args().get(1 - k));
            if (one != null && one == 1 && e != null && e.op() == Op.EXP && e.out().type().equals(sum.out().type())) {
                return e.args().get(0);
            }
        }
        return null;
    }

    /** -|z|: exp of it cannot overflow, so log1p(exp(-|z|)), softplus's own tail, is left alone. */
    private static boolean nonPositive(Rewriter r, Value v) {
        Instr neg = r.producer(v);
        Instr abs = neg == null || neg.op() != Op.NEG ? null : r.producer(neg.args().get(0));
        return abs != null && abs.op() == Op.ABS;
    }

    /** max(z, 0) + log1p(exp(-|z|)), built before {@code i}. */
    private static Value softplus(Rewriter r, Instr i, Value z) {
        String name = i.out().name() + ".softplus";
        Value zero = r.constant(0, Shape.SCALAR, name + ".c");
        Value tail = r.add(Op.LOG1P, name + ".tail", r.add(Op.EXP, name + ".exp",
                r.add(Op.NEG, name + ".neg", r.add(Op.ABS, name + ".abs", z))));
        return r.add(Op.ADD, name, r.add(Op.MAXIMUM, name + ".max", z, zero), tail);
    }
}
