package dev.nabla.compiler.lower;

import java.util.HashMap;
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

    /** Null: buffers must be equal; else each of the first kernel's buffer indices paired with one of the second's. */
    private final Map<Integer, Integer> bufs;
    private final Map<Integer, Integer> bufsBack;
    private final Map<LoopVar, LoopVar> vars = new IdentityHashMap<>();
    private final Map<LoopVar, LoopVar> varsBack = new IdentityHashMap<>();
    private final Map<Local, Local> locals = new IdentityHashMap<>();
    private final Map<Local, Local> localsBack = new IdentityHashMap<>();

    private SameKernel(boolean renameBuffers) {
        bufs = renameBuffers ? new HashMap<>() : null;
        bufsBack = renameBuffers ? new HashMap<>() : null;
    }

    /** Same name, position, comment and statements, with loop variables and locals paired one to one. */
    public static boolean same(Kernel a, Kernel b) {
        return a.name().equals(b.name()) && a.span().equals(b.span()) && a.comment().equals(b.comment())
                && new SameKernel(false).stmts(a.body(), b.body());
    }

    /**
     * Whether {@code a} and {@code b} are the same code over other buffers: the same position and statements, with loop
     * variables, locals and buffers paired one to one (a buffer read twice in one kernel must be one buffer in the
     * other too, as in-place updates need). Names and comments may differ: the time steps of an unrolled recurrence
     * are such kernels, one per step. Returns each of {@code a}'s buffer indices mapped to {@code b}'s, or null when
     * they are not the same; {@link Buf#HYPER} pairs only with itself.
     */
    public static Map<Integer, Integer> bufferPairs(Kernel a, Kernel b) {
        SameKernel same = new SameKernel(true);
        return a.span().equals(b.span()) && same.stmts(a.body(), b.body()) ? Map.copyOf(same.bufs) : null;
    }

    private boolean buf(Buf a, Buf b) {
        if (a == null || b == null) {
            return a == b; // a product's absent bias
        }
        if (bufs == null) {
            return a.equals(b);
        }
        if (a.index() < 0 || b.index() < 0) {
            return a.index() == b.index(); // Buf.HYPER pairs only with itself
        }
        Integer had = bufs.get(a.index());
        Integer hadBack = bufsBack.get(b.index());
        if (had == null && hadBack == null) {
            bufs.put(a.index(), b.index());
            bufsBack.put(b.index(), a.index());
            return true;
        }
        return had != null && had == b.index() && hadBack != null && hadBack == a.index();
    }

    private boolean gemm(Stmt.GemmCall x, Stmt.GemmCall y) {
        return x.transA() == y.transA() && x.transB() == y.transB() && x.m().equals(y.m()) && x.n().equals(y.n())
                && x.k().equals(y.k()) && x.accumulate() == y.accumulate() && x.act() == y.act() && buf(x.a(), y.a())
                && buf(x.b(), y.b()) && buf(x.c(), y.c()) && buf(x.bias(), y.bias());
    }

    private boolean call(Stmt.Call x, Stmt.Call y) {
        if (!x.owner().equals(y.owner()) || !x.method().equals(y.method()) || x.args().size() != y.args().size()
                || x.writes().size() != y.writes().size()) {
            return false;
        }
        for (int i = 0; i < x.args().size(); i++) {
            Stmt.Arg p = x.args().get(i);
            Stmt.Arg q = y.args().get(i);
            boolean same = p instanceof Stmt.Arg.Floats f && q instanceof Stmt.Arg.Floats g ? buf(f.buf(), g.buf())
                    : p.equals(q);
            if (!same) {
                return false;
            }
        }
        for (int i = 0; i < x.writes().size(); i++) {
            if (!buf(x.writes().get(i), y.writes().get(i))) {
                return false;
            }
        }
        return true;
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
                yield buf(x.buf(), y.buf()) && index(x.index(), y.index()) && expr(x.value(), y.value());
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
            // No loop variables or locals inside: their fields compare by value, their buffers as paired.
            case GEMM -> gemm((Stmt.GemmCall) a, (Stmt.GemmCall) b);
            case CALL -> call((Stmt.Call) a, (Stmt.Call) b);
        };
    }

    private boolean expr(Expr a, Expr b) {
        if (a.kind() != b.kind()) {
            return false;
        }
        return switch (a.kind()) {
            case LOAD -> buf(((Expr.Load) a).buf(), ((Expr.Load) b).buf())
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
