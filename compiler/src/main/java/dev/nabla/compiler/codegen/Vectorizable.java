package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Local;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;

import java.util.HashSet;
import java.util.Set;

/**
 * Which loops the vector emitter handles: innermost loops (batch-sized or of at least {@link #MIN_TRIP}
 * iterations) of stores, lets and accumulations whose stores are
 * contiguous in the loop variable and whose loads are contiguous or loop-invariant. Loop-invariant
 * subexpressions of any kind are computed as scalars and broadcast.
 */
final class Vectorizable {

    /**
     * Loops with a static trip count below this stay scalar: they gain little from SIMD, and a method whose
     * vector loop runs rarely would run Vector API code unintrinsified (slow, allocating) until C2 compiles it.
     */
    static final int MIN_TRIP = 32;

    private Vectorizable() {
    }

    static boolean loop(Stmt.For f) {
        if (!f.extent().batch() && f.extent().c() < MIN_TRIP) {
            return false;
        }
        Set<Local> lets = new HashSet<>();
        Set<Local> accs = new HashSet<>();
        for (Stmt s : f.body()) {
            if (s instanceof Stmt.Accum a) {
                accs.add(a.acc());
            }
        }
        for (Stmt s : f.body()) {
            if (s instanceof Stmt.Store st) {
                if (!st.index().coef(f.var()).isOne() || !expr(st.value(), f.var(), lets, accs)) {
                    return false;
                }
            } else if (s instanceof Stmt.Let let) {
                if (!expr(let.value(), f.var(), lets, accs)) {
                    return false;
                }
                lets.add(let.local());
            } else if (s instanceof Stmt.Accum a) {
                if (!expr(a.value(), f.var(), lets, accs)) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean expr(Expr e, LoopVar v, Set<Local> lets, Set<Local> accs) {
        if (invariant(e, v, lets)) {
            return !(e instanceof Expr.Read r && accs.contains(r.local())) && readsNone(e, accs);
        }
        if (e instanceof Expr.Load l) {
            return l.index().coef(v).isOne();
        }
        if (e instanceof Expr.Read r) {
            return lets.contains(r.local());
        }
        if (e instanceof Expr.Unary u) {
            return u.op() != Expr.UnOp.SIGN && expr(u.a(), v, lets, accs);
        }
        if (e instanceof Expr.Binary b) {
            return b.op() != Expr.BinOp.POW && expr(b.a(), v, lets, accs) && expr(b.b(), v, lets, accs);
        }
        if (e instanceof Expr.Select s) {
            return expr(s.cond(), v, lets, accs) && expr(s.a(), v, lets, accs) && expr(s.b(), v, lets, accs);
        }
        return false;
    }

    private static boolean readsNone(Expr e, Set<Local> accs) {
        if (e instanceof Expr.Read r) {
            return !accs.contains(r.local());
        }
        if (e instanceof Expr.Unary u) {
            return readsNone(u.a(), accs);
        }
        if (e instanceof Expr.Binary b) {
            return readsNone(b.a(), accs) && readsNone(b.b(), accs);
        }
        if (e instanceof Expr.Select s) {
            return readsNone(s.cond(), accs) && readsNone(s.a(), accs) && readsNone(s.b(), accs);
        }
        return true;
    }

    /** Whether {@code e} has the same value in every iteration of the loop over {@code v}. */
    static boolean invariant(Expr e, LoopVar v, Set<Local> loopLets) {
        if (e instanceof Expr.Load l) {
            return l.index().coef(v).equals(Size.ZERO);
        }
        if (e instanceof Expr.IndexValue iv) {
            return iv.index().coef(v).equals(Size.ZERO);
        }
        if (e instanceof Expr.Read r) {
            return !loopLets.contains(r.local());
        }
        if (e instanceof Expr.Unary u) {
            return invariant(u.a(), v, loopLets);
        }
        if (e instanceof Expr.Binary b) {
            return invariant(b.a(), v, loopLets) && invariant(b.b(), v, loopLets);
        }
        if (e instanceof Expr.Select s) {
            return invariant(s.cond(), v, loopLets) && invariant(s.a(), v, loopLets) && invariant(s.b(), v, loopLets);
        }
        return true;
    }
}
