package dev.nabla.compiler.lower;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Whether two kernels are the same code: equal up to the identity of their loop variables and locals, which every
 * lowering makes afresh. An entry point that lowers an instruction exactly as an earlier one did (evaluate repeats
 * predict's kernels before its loss's, over the same buffers) can then call the earlier one's method instead of
 * having a copy emitted.
 */
public final class SameKernel {

    private final Map<LoopVar, LoopVar> vars = new IdentityHashMap<>();
    private final Map<LoopVar, LoopVar> varsBack = new IdentityHashMap<>();
    private final Map<Local, Local> locals = new IdentityHashMap<>();
    private final Map<Local, Local> localsBack = new IdentityHashMap<>();

    private SameKernel() {
    }

    /** Same name, position, comment and statements, with loop variables and locals paired one to one. */
    public static boolean same(Kernel a, Kernel b) {
        return a.name().equals(b.name()) && a.span().equals(b.span()) && a.comment().equals(b.comment())
                && new SameKernel().stmts(a.body(), b.body());
    }

    private boolean stmts(List<Stmt> a, List<Stmt> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!stmt(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean stmt(Stmt a, Stmt b) {
        if (a.kind() != b.kind()) {
            return false;
        }
        return switch (a.kind()) {
            case FOR -> {
                Stmt.For x = (Stmt.For) a;
                Stmt.For y = (Stmt.For) b;
                yield pair(vars, varsBack, x.var(), y.var()) && x.extent().equals(y.extent()) && stmts(x.body(), y.body());
            }
            case STORE -> {
                Stmt.Store x = (Stmt.Store) a;
                Stmt.Store y = (Stmt.Store) b;
                yield x.buf().equals(y.buf()) && index(x.index(), y.index()) && expr(x.value(), y.value());
            }
            case LET -> {
                Stmt.Let x = (Stmt.Let) a;
                Stmt.Let y = (Stmt.Let) b;
                yield local(x.local(), y.local()) && expr(x.value(), y.value());
            }
            case ACC_INIT -> {
                Stmt.AccInit x = (Stmt.AccInit) a;
                Stmt.AccInit y = (Stmt.AccInit) b;
                yield local(x.acc(), y.acc()) && Double.compare(x.value(), y.value()) == 0;
            }
            case ACCUM -> {
                Stmt.Accum x = (Stmt.Accum) a;
                Stmt.Accum y = (Stmt.Accum) b;
                yield local(x.acc(), y.acc()) && x.op() == y.op() && expr(x.value(), y.value());
            }
            // No loop variables or locals inside: their records compare by value.
            case GEMM, CALL -> a.equals(b);
        };
    }

    private boolean expr(Expr a, Expr b) {
        if (a.kind() != b.kind()) {
            return false;
        }
        return switch (a.kind()) {
            case LOAD -> ((Expr.Load) a).buf().equals(((Expr.Load) b).buf())
                    && index(((Expr.Load) a).index(), ((Expr.Load) b).index());
            case CONST, SIZE_VALUE -> a.equals(b);
            case INDEX_VALUE -> index(((Expr.IndexValue) a).index(), ((Expr.IndexValue) b).index());
            case READ -> local(((Expr.Read) a).local(), ((Expr.Read) b).local());
            case UNARY -> ((Expr.Unary) a).op() == ((Expr.Unary) b).op() && expr(((Expr.Unary) a).a(), ((Expr.Unary) b).a());
            case BINARY -> {
                Expr.Binary x = (Expr.Binary) a;
                Expr.Binary y = (Expr.Binary) b;
                yield x.op() == y.op() && expr(x.a(), y.a()) && expr(x.b(), y.b());
            }
            case SELECT -> {
                Expr.Select x = (Expr.Select) a;
                Expr.Select y = (Expr.Select) b;
                yield expr(x.cond(), y.cond()) && expr(x.a(), y.a()) && expr(x.b(), y.b());
            }
            case RANDOM -> {
                Expr.Random x = (Expr.Random) a;
                Expr.Random y = (Expr.Random) b;
                yield x.op() == y.op() && x.stream() == y.stream() && expr(x.seed(), y.seed())
                        && expr(x.step(), y.step()) && index(x.index(), y.index());
            }
        };
    }

    /** Equal constants, and the same terms in the same order (the order the emitter adds them in). */
    private boolean index(Index a, Index b) {
        if (a.constant() != b.constant() || a.terms().size() != b.terms().size()) {
            return false;
        }
        Iterator<Map.Entry<LoopVar, Size>> y = b.terms().entrySet().iterator();
        for (Map.Entry<LoopVar, Size> x : a.terms().entrySet()) {
            Map.Entry<LoopVar, Size> t = y.next();
            if (!pair(vars, varsBack, x.getKey(), t.getKey()) || !x.getValue().equals(t.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean local(Local a, Local b) {
        return a.accumulator() == b.accumulator() && pair(locals, localsBack, a, b);
    }

    /** Pairs a with b, or checks that they were paired with each other, one to one. */
    private static <T> boolean pair(Map<T, T> forth, Map<T, T> back, T a, T b) {
        T had = forth.get(a);
        T hadBack = back.get(b);
        if (had == null && hadBack == null) {
            forth.put(a, b);
            back.put(b, a);
            return true;
        }
        return had == b && hadBack == a;
    }
}
