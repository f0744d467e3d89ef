package dev.nabla.compiler.lower;

import dev.nabla.runtime.kernels.Parallel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which top-level loops of a kernel may run with their outermost iterations split over threads
 * ({@code dev.nabla.runtime.kernels.Parallel}): loops whose iterations touch disjoint windows of every buffer they
 * write and carry no scalar from one iteration to the next. Each element is then computed by the same operations
 * however the iterations are cut, so results do not depend on the thread count. Reductions into one value (the
 * L2 sum, a mean) and bias gradients (rows summed into one row) do not qualify; elementwise loops, row-wise
 * softmax and the optimizer's update do.
 */
public final class ParallelLoop {

    /** Loops with a static size below this many elements are not worth a hand-over: the runtime's threshold. */
    static final long MIN_ELEMENTS = Parallel.PARALLEL_MIN_ELEMENTS;

    /**
     * Reductions into one value are cut in chunks from this many elements, the runtime's threshold for splitting them:
     * smaller ones would pay for the chunks and never be split.
     */
    static final long REDUCTION_MIN_ELEMENTS = Parallel.REDUCTION_MIN_ELEMENTS;

    private ParallelLoop() {
    }

    /**
     * Whether {@code body.get(position)}, a top-level loop, qualifies. It may read the lets before it (the
     * parallel version recomputes them) and locals of its own body only.
     */
    public static boolean qualifies(List<Stmt> body, int position) {
        if (!(body.get(position) instanceof Stmt.For f)) {
            return false;
        }
        Walk w = new Walk(f.var(), null);
        if (!w.stmts(f.body(), preludeLocals(body, position), new HashMap<>())) {
            return false;
        }
        long elements = (long) f.extent().c() * w.elements(f.body());
        return (f.extent().batch() || elements >= MIN_ELEMENTS) && w.disjoint();
    }

    /**
     * A loop that reduces into accumulator {@code acc} with {@code op}, over chunks the threads can share; {@code
     * writes} when it also stores elements (a reduction merged with a sibling loop, {@link MergeSiblingLoops}).
     */
    public record Reduction(Local acc, Stmt.AccOp op, boolean writes) {
    }

    /**
     * Whether {@code body.get(position)} is a reduction the threads can share ({@code Parallel.reduce}), and into
     * which accumulator; else null. Such a loop comes right after that accumulator's initialisation to its
     * operation's identity (0 for a sum, negative infinity for a max); it has a static extent and at least
     * {@link #REDUCTION_MIN_ELEMENTS} elements; it accumulates into that accumulator with one operation
     * and never reads it (accumulators of its own body it may use); and, like a parallel loop, it reads only the lets
     * before it that it can recompute and locals of its own body. The L2 term of a 1,024-wide first layer is one: the
     * sum of squares of a 784 x 1,024 weight matrix. A loop that also stores qualifies when, as a parallel loop's, its
     * iterations write disjoint elements. It is cut from {@link #MIN_ELEMENTS}, as a parallel loop is: it is one, with
     * a sum beside its stores (the L2 sum merged with its weight gradient's first loop).
     */
    public static Reduction reduction(List<Stmt> body, int position) {
        if (position < 1 || !(body.get(position) instanceof Stmt.For f) || f.extent().batch()
                || !(body.get(position - 1) instanceof Stmt.AccInit init)) {
            return null;
        }
        Walk w = new Walk(f.var(), init.acc());
        if (!w.stmts(f.body(), preludeLocals(body, position), new HashMap<>()) || w.sharedOp == null) {
            return null;
        }
        boolean writes = !w.stores.isEmpty();
        if (writes && !w.disjoint()
                || (long) f.extent().c() * w.elements(f.body()) < (writes ? MIN_ELEMENTS : REDUCTION_MIN_ELEMENTS)) {
            return null;
        }
        double identity = w.sharedOp == Stmt.AccOp.SUM ? 0 : Double.NEGATIVE_INFINITY;
        return Double.compare(init.value(), identity) == 0 ? new Reduction(init.acc(), w.sharedOp, writes) : null;
    }

    /** Which top-level statements of {@code body} qualify ({@link #qualifies}), by position. */
    public static boolean[] qualifying(List<Stmt> body) {
        boolean[] out = new boolean[body.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = qualifies(body, i);
        }
        return out;
    }

    /**
     * The top-level lets before {@code position} that the parallel body can recompute: those reading no local but
     * earlier such lets. A let of an accumulator's result ({@code inv = 1 / sum} after a softmax over the batch axis)
     * is not among them: the parallel method has no {@code sum}, and read it as an undefined local (a VerifyError
     * the fuzzing campaign found).
     */
    public static List<Stmt> prelude(List<Stmt> body, int position) {
        List<Stmt> lets = new ArrayList<>();
        Set<Local> recomputable = new HashSet<>();
        for (Stmt s : body.subList(0, position)) {
            if (s instanceof Stmt.Let let && readsOnly(let.value(), recomputable)) {
                lets.add(s);
                recomputable.add(let.local());
            }
        }
        return lets;
    }

    /** The locals of {@link #prelude}: what the loop at {@code position} may read from before it. */
    private static Set<Local> preludeLocals(List<Stmt> body, int position) {
        Set<Local> locals = new HashSet<>();
        for (Stmt s : prelude(body, position)) {
            locals.add(((Stmt.Let) s).local());
        }
        return locals;
    }

    private static boolean readsOnly(Expr e, Set<Local> locals) {
        return switch (e.kind()) {
            case READ -> locals.contains(((Expr.Read) e).local());
            case UNARY -> readsOnly(((Expr.Unary) e).a(), locals);
            case BINARY -> readsOnly(((Expr.Binary) e).a(), locals) && readsOnly(((Expr.Binary) e).b(), locals);
            case SELECT -> readsOnly(((Expr.Select) e).cond(), locals) && readsOnly(((Expr.Select) e).a(), locals)
                    && readsOnly(((Expr.Select) e).b(), locals);
            case RANDOM -> readsOnly(((Expr.Random) e).seed(), locals) && readsOnly(((Expr.Random) e).step(), locals);
            case LOAD, CONST, INDEX_VALUE, SIZE_VALUE -> true;
        };
    }

    /** Elements computed per iteration of a qualifying loop's outermost variable (its inner loops' trip counts). */
    public static int elementsPerIteration(Stmt.For f) {
        return new Walk(f.var(), null).elements(f.body());
    }

    /** One buffer access: the outer variable's coefficient and the window of offsets the inner variables reach. */
    private record Access(Size outerCoef, long lo, long hi, boolean innerOk) {
    }

    private static final class Walk {
        private final LoopVar outer;
        private final Map<Integer, List<Access>> stores = new HashMap<>();
        private final Map<Integer, List<Access>> loads = new HashMap<>();
        private final Set<Local> defined = new HashSet<>();
        /**
         * An accumulator from outside the loop that it may add into (a reduction's; null for a parallel loop), and the
         * operation it takes.
         */
        private final Local shared;
        private Stmt.AccOp sharedOp;

        Walk(LoopVar outer, Local shared) {
            this.outer = outer;
            this.shared = shared;
        }

        /** Records accesses; false on a construct that rules the loop out (a product, a carried scalar). */
        boolean stmts(List<Stmt> body, Set<Local> outerLets, Map<LoopVar, Size> inner) {
            for (Stmt s : body) {
                boolean ok = switch (s.kind()) {
                    case FOR -> {
                        Stmt.For f = (Stmt.For) s;
                        Map<LoopVar, Size> deeper = new HashMap<>(inner);
                        deeper.put(f.var(), f.extent());
                        yield !f.extent().batch() && stmts(f.body(), outerLets, deeper);
                    }
                    case STORE -> {
                        Stmt.Store st = (Stmt.Store) s;
                        stores.computeIfAbsent(st.buf().index(), x -> new ArrayList<>()).add(access(st.index(), inner));
                        yield expr(st.value(), outerLets, inner);
                    }
                    case LET -> {
                        Stmt.Let let = (Stmt.Let) s;
                        boolean fine = expr(let.value(), outerLets, inner);
                        defined.add(let.local());
                        yield fine;
                    }
                    case ACC_INIT -> {
                        defined.add(((Stmt.AccInit) s).acc());
                        yield true;
                    }
                    case ACCUM -> {
                        Stmt.Accum acc = (Stmt.Accum) s;
                        if (shared != null && acc.acc() == shared) {
                            boolean same = sharedOp == null || sharedOp == acc.op();
                            sharedOp = acc.op();
                            yield same && expr(acc.value(), outerLets, inner);
                        }
                        yield defined.contains(acc.acc()) && expr(acc.value(), outerLets, inner);
                    }
                    // Runtime kernels split their own work over the threads.
                    case GEMM, CALL -> false;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        private boolean expr(Expr e, Set<Local> outerLets, Map<LoopVar, Size> inner) {
            return switch (e.kind()) {
                case LOAD -> {
                    Expr.Load l = (Expr.Load) e;
                    loads.computeIfAbsent(l.buf().index(), x -> new ArrayList<>()).add(access(l.index(), inner));
                    yield true;
                }
                case READ -> defined.contains(((Expr.Read) e).local()) || outerLets.contains(((Expr.Read) e).local());
                case UNARY -> expr(((Expr.Unary) e).a(), outerLets, inner);
                case BINARY -> expr(((Expr.Binary) e).a(), outerLets, inner) && expr(((Expr.Binary) e).b(), outerLets, inner);
                case SELECT -> {
                    Expr.Select s = (Expr.Select) e;
                    yield expr(s.cond(), outerLets, inner) && expr(s.a(), outerLets, inner) && expr(s.b(), outerLets, inner);
                }
                case RANDOM -> expr(((Expr.Random) e).seed(), outerLets, inner) && expr(((Expr.Random) e).step(), outerLets, inner);
                case CONST, INDEX_VALUE, SIZE_VALUE -> true;
            };
        }

        private Access access(Index ix, Map<LoopVar, Size> inner) {
            long lo = ix.constant();
            long hi = ix.constant();
            boolean ok = true;
            for (Map.Entry<LoopVar, Size> t : ix.terms().entrySet()) {
                if (t.getKey() == outer) {
                    continue;
                }
                Size extent = inner.get(t.getKey());
                Size coef = t.getValue();
                if (extent == null || coef.batch() || coef.c() < 0) {
                    ok = false;
                } else {
                    hi += (long) coef.c() * (extent.c() - 1);
                }
            }
            return new Access(ix.coef(outer), lo, hi, ok);
        }

        /**
         * Every written buffer is accessed, by all its stores and loads, at {@code c * outer + [lo, hi]} with one
         * static {@code c} larger than the whole window: iterations touch disjoint parts of it.
         */
        boolean disjoint() {
            for (Map.Entry<Integer, List<Access>> e : stores.entrySet()) {
                if (e.getKey() < 0) {
                    return false;
                }
                List<Access> all = new ArrayList<>(e.getValue());
                all.addAll(loads.getOrDefault(e.getKey(), List.of()));
                Size c = all.get(0).outerCoef();
                long lo = Long.MAX_VALUE;
                long hi = Long.MIN_VALUE;
                for (Access a : all) {
                    if (!a.innerOk() || !a.outerCoef().equals(c)) {
                        return false;
                    }
                    lo = Math.min(lo, a.lo());
                    hi = Math.max(hi, a.hi());
                }
                if (c.batch() || c.c() <= 0 || hi - lo >= c.c()) {
                    return false;
                }
            }
            return true;
        }

        /** Elements computed per outer iteration: the trip counts of the inner loops, summed over siblings. */
        int elements(List<Stmt> body) {
            long n = 0;
            for (Stmt s : body) {
                if (s instanceof Stmt.For f) {
                    n += (long) f.extent().c() * elements(f.body());
                }
            }
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, n));
        }
    }
}
