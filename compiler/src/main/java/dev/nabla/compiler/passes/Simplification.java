package dev.nabla.compiler.passes;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Algebraic simplification: small named rules, each one-directional and never producing more work than it removes,
 * applied in one walk and repeated to a fixed point. Rules that would change a result anywhere are left out:
 * {@code x * 0} is not 0 for an infinite or NaN x, and {@code exp(log(x))} is not x for a negative x.
 */
final class Simplification {

    /** A named rewrite; it returns the value that replaces the instruction, or null when it does not apply. */
    record NamedRule(String name, Rewriter.Rule rule) {
    }

    static final List<NamedRule> RULES = List.of(
            new NamedRule("mulByOne", (r, i) -> i.op() == Op.MUL ? other(r, i, 1) : null),
            new NamedRule("divByOne", (r, i) -> i.op() == Op.DIV && isConstant(r, i.args().get(1), 1) ? same(i, 0) : null),
            new NamedRule("addZero", (r, i) -> i.op() == Op.ADD ? other(r, i, 0) : null),
            new NamedRule("addSelf", Simplification::addSelf),
            new NamedRule("mulConstantsTogether", Simplification::mulConstantsTogether),
            new NamedRule("subZero", (r, i) -> i.op() == Op.SUB && isConstant(r, i.args().get(1), 0) ? same(i, 0) : null),
            new NamedRule("negNeg", (r, i) -> i.op() == Op.NEG ? operandOf(r, i, Op.NEG) : null),
            new NamedRule("logOfExp", (r, i) -> i.op() == Op.LOG ? operandOf(r, i, Op.EXP) : null),
            new NamedRule("selectOfOneValue", (r, i) -> i.op() == Op.SELECT && i.args().get(1).equals(i.args().get(2))
                    ? same(i, 1) : null),
            new NamedRule("reshapeToItsShape", (r, i) -> i.op() == Op.RESHAPE || i.op() == Op.BROADCAST ? same(i, 0) : null),
            new NamedRule("reshapeOfReshape", Simplification::reshapeOfReshape),
            new NamedRule("transposeOfTranspose", Simplification::transposeOfTranspose));

    private Simplification() {
    }

    static Graph apply(Graph g) {
        Graph cur = g;
        for (int round = 0; round < 100; round++) {
            Graph next = Rewriter.apply(cur, Simplification::first);
            if (next.equals(cur)) {
                return next;
            }
            cur = next;
        }
        return cur;
    }

    /** The first rule that applies. */
    private static Value first(Rewriter r, Instr i) {
        for (NamedRule rule : RULES) {
            Value v = rule.rule().rewrite(r, i);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean isConstant(Rewriter r, Value v, double c) {
        Double k = r.constant(v);
        return k != null && k == c;
    }

    /** Operand k when it has the result's type (no broadcasting hides in the op), else null. */
    private static Value same(Instr i, int k) {
        Value a = i.args().get(k);
        return a.type().equals(i.out().type()) ? a : null;
    }

    /** The other operand of a binary op one of whose operands is the constant {@code identity}. */
    private static Value other(Rewriter r, Instr i, double identity) {
        Value v = isConstant(r, i.args().get(1), identity) ? same(i, 0) : null;
        return v == null && isConstant(r, i.args().get(0), identity) ? same(i, 1) : v;
    }

    /** x for op(inner(x)) where inner undoes op. */
    private static Value operandOf(Rewriter r, Instr i, Op inner) {
        Instr p = r.producer(i.args().get(0));
        return p != null && p.op() == inner ? p.args().get(0) : null;
    }

    /**
     * add(a, a) is mul(a, 2): as cheap, exact (doubling rounds nothing), and it reads a once, so a fuses into its
     * reader, and {@code mulConstantsTogether} can merge the 2 into a constant a was scaled by (autodiff's product
     * rule gives {@code c·W + c·W} for the gradient of {@code c·W·W}, such as an L2 term's).
     */
    private static Value addSelf(Rewriter r, Instr i) {
        if (i.op() != Op.ADD || !i.args().get(0).equals(i.args().get(1))) {
            return null;
        }
        Value a = i.args().get(0);
        return r.recompute(i, Op.MUL, Attr.NONE, List.of(a, r.constant(2, Shape.SCALAR, "c")));
    }

    /**
     * mul(mul(x, c1), c2) for constants c1 and c2, in either operand order, is mul(x, c1·c2): one multiply instead of
     * two (up to float rounding). Left alone when a multiply broadcasts x, and when c1·c2 overflows to infinity or
     * underflows to 0 as a float, where the two multiplies give 0 or infinity and the one would give NaN.
     */
    private static Value mulConstantsTogether(Rewriter r, Instr i) {
        int k = constantOperand(r, i);
        Instr inner = k < 0 ? null : r.producer(i.args().get(1 - k));
        int j = inner == null ? -1 : constantOperand(r, inner);
        if (j < 0 || !inner.args().get(1 - j).type().equals(i.out().type())) {
            return null;
        }
        double c1 = r.constant(inner.args().get(j));
        double c2 = r.constant(i.args().get(k));
        double c = Interpreter.elementwise(Op.MUL, new double[] {c1, c2});
        float f = (float) c;
        if (!Float.isFinite(f) || (f == 0) != (c1 == 0 || c2 == 0)) {
            return null;
        }
        return r.recompute(i, Op.MUL, Attr.NONE, List.of(inner.args().get(1 - j), r.constant(c, Shape.SCALAR, "c")));
    }

    /** For a mul: which operand is a constant (the first when both are), or -1. */
    private static int constantOperand(Rewriter r, Instr i) {
        if (i.op() != Op.MUL) {
            return -1;
        }
        return r.constant(i.args().get(0)) != null ? 0 : r.constant(i.args().get(1)) != null ? 1 : -1;
    }

    private static Value reshapeOfReshape(Rewriter r, Instr i) {
        if (i.op() != Op.RESHAPE) {
            return null;
        }
        Instr p = r.producer(i.args().get(0));
        if (p == null || p.op() != Op.RESHAPE) {
            return null;
        }
        return r.recompute(i, Op.RESHAPE, i.attr(), List.of(p.args().get(0)));
    }

    /** transpose(transpose(x, p), q) is x permuted by p then q: one transpose, or none when that is the identity. */
    private static Value transposeOfTranspose(Rewriter r, Instr i) {
        if (i.op() != Op.TRANSPOSE) {
            return null;
        }
        Instr p = r.producer(i.args().get(0));
        if (p == null || p.op() != Op.TRANSPOSE) {
            return null;
        }
        List<Integer> inner = ((Attr.Perm) p.attr()).perm();
        List<Integer> outer = ((Attr.Perm) i.attr()).perm();
        List<Integer> composed = new ArrayList<>();
        boolean identity = true;
        for (int k = 0; k < outer.size(); k++) {
            composed.add(inner.get(outer.get(k)));
            identity &= composed.get(k) == k;
        }
        Value x = p.args().get(0);
        return identity ? x : r.recompute(i, Op.TRANSPOSE, new Attr.Perm(composed), List.of(x));
    }
}
