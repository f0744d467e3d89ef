package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Local;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * A loop whose body calls exp, tanh or sigmoid is taken from this many iterations: one such call costs about
     * 10 ns as a scalar {@code Math} call, and the vector form computes a whole vector of them in about the time of
     * one. So a softmax over 10 classes, row by row in a batch loop, runs one vector of 8 and 2 scalar calls per row
     * instead of 10 calls (W1's softmax, log-softmax and their gradient: docs/benchmarks.md).
     */
    static final int MIN_TRIP_TRANSCENDENTAL = 8;

    /**
     * Loop nests that run their innermost body fewer times than this per call stay scalar too (unless an enclosing
     * loop runs over the batch). Such a kernel, called once per training step, waits long for C2: its few back-edges
     * per call do not trigger an OSR compile, and a compile by invocation count queues behind the big kernels' during
     * the first epochs, when C2 is busiest. Until then its Vector API code runs in C1, unintrinsified: in W1, the bias
     * updates of 256 and 128 floats took 9-33 µs per call through epoch 2, and the 1,280-float update of the last
     * layer's weights 43-106 µs, against well under 1 µs once compiled (docs/benchmarks.md). A scalar loop runs
     * about as fast in C1 as in C2 here, and at most a few µs slower than the vector one once both are compiled.
     * {@code -Dnabla.vector.minWork=0} turns the rule off (the tests use it to keep small shapes on the vector path).
     */
    static final long MIN_WORK = Long.getLong("nabla.vector.minWork", 4096);

    private Vectorizable() {
    }

    /**
     * Whether the vector emitter takes loop {@code f}, whose innermost body runs {@code work} times per call with its
     * enclosing loops ({@link #work}).
     */
    static boolean loop(Stmt.For f, long work) {
        int minTrip = callsTranscendental(f.body()) ? MIN_TRIP_TRANSCENDENTAL : MIN_TRIP;
        if (!f.extent().batch() && (f.extent().c() < minTrip || work < MIN_WORK)) {
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
            boolean ok = switch (s.kind()) {
                case STORE -> ((Stmt.Store) s).index().coef(f.var()).isOne()
                        && expr(((Stmt.Store) s).value(), f.var(), lets, accs);
                case LET -> expr(((Stmt.Let) s).value(), f.var(), lets, accs) && lets.add(((Stmt.Let) s).local());
                case ACCUM -> expr(((Stmt.Accum) s).value(), f.var(), lets, accs);
                case FOR, ACC_INIT, GEMM, CALL -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * For every loop of {@code body}, how many times per call its body runs: its extent times those of the loops
     * around it, saturated at {@link #MIN_WORK} once a batch extent (not known until run time, and large when it
     * matters) or the product reaches it. Keyed by identity: equal loops at different places are different loops.
     */
    static Map<Stmt.For, Long> work(List<Stmt> body) {
        Map<Stmt.For, Long> out = new IdentityHashMap<>();
        work(body, 1, out);
        return out;
    }

    private static void work(List<Stmt> body, long outer, Map<Stmt.For, Long> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.For f) {
                long runs = f.extent().batch() ? MIN_WORK : Math.min(MIN_WORK, outer * f.extent().c());
                out.put(f, runs);
                work(f.body(), runs, out);
            }
        }
    }

    /** Whether a statement of {@code body} (not a loop) calls a transcendental function. */
    private static boolean callsTranscendental(List<Stmt> body) {
        for (Stmt s : body) {
            Expr e = switch (s.kind()) {
                case STORE -> ((Stmt.Store) s).value();
                case LET -> ((Stmt.Let) s).value();
                case ACCUM -> ((Stmt.Accum) s).value();
                case FOR, ACC_INIT, GEMM, CALL -> null;
            };
            if (e != null && callsTranscendental(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean callsTranscendental(Expr e) {
        return switch (e.kind()) {
            case UNARY -> ((Expr.Unary) e).op().transcendental() || callsTranscendental(((Expr.Unary) e).a());
            case BINARY -> ((Expr.Binary) e).op().transcendental() || callsTranscendental(((Expr.Binary) e).a())
                    || callsTranscendental(((Expr.Binary) e).b());
            case SELECT -> callsTranscendental(((Expr.Select) e).cond()) || callsTranscendental(((Expr.Select) e).a())
                    || callsTranscendental(((Expr.Select) e).b());
            case LOAD, CONST, INDEX_VALUE, SIZE_VALUE, READ, RANDOM -> false;
        };
    }

    /**
     * Whether the vector emitter has a lane-wise form of {@code op}. It has none for sign and pow, nor for erf,
     * which VectorOperators lacks: a loop computing erf stays scalar and calls the runtime's Erf per element. Nor for
     * log, expm1 and log1p: VectorOperators has them, but C2's code and the interpreter's differ in the last bit for
     * some inputs, and a run must not depend on when the JIT compiled a kernel. exp, tanh and sigmoid are written out
     * by VectorMathEmitter as the runtime's VectorMath computes them, with the same bits in every tier.
     */
    static boolean lanewise(Op op) {
        return op.elementwise() && op != Op.SIGN && op != Op.POW && op != Op.ERF
                && op != Op.LOG && op != Op.EXPM1 && op != Op.LOG1P;
    }

    private static boolean expr(Expr e, LoopVar v, Set<Local> lets, Set<Local> accs) {
        if (invariant(e, v, lets)) {
            return !(e instanceof Expr.Read r && accs.contains(r.local())) && readsNone(e, accs);
        }
        return switch (e.kind()) {
            case LOAD -> ((Expr.Load) e).index().coef(v).isOne();
            case READ -> lets.contains(((Expr.Read) e).local());
            case UNARY -> lanewise(((Expr.Unary) e).op()) && expr(((Expr.Unary) e).a(), v, lets, accs);
            case BINARY -> {
                Expr.Binary b = (Expr.Binary) e;
                yield lanewise(b.op()) && expr(b.a(), v, lets, accs) && expr(b.b(), v, lets, accs);
            }
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                yield expr(s.cond(), v, lets, accs) && expr(s.a(), v, lets, accs) && expr(s.b(), v, lets, accs);
            }
            case CONST, INDEX_VALUE, SIZE_VALUE, RANDOM -> false;
        };
    }

    private static boolean readsNone(Expr e, Set<Local> accs) {
        return switch (e.kind()) {
            case READ -> !accs.contains(((Expr.Read) e).local());
            case UNARY -> readsNone(((Expr.Unary) e).a(), accs);
            case BINARY -> readsNone(((Expr.Binary) e).a(), accs) && readsNone(((Expr.Binary) e).b(), accs);
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                yield readsNone(s.cond(), accs) && readsNone(s.a(), accs) && readsNone(s.b(), accs);
            }
            case LOAD, CONST, INDEX_VALUE, SIZE_VALUE, RANDOM -> true;
        };
    }

    /**
     * Whether {@code e} has the same value in every iteration of the loop over {@code v}. A random draw never is,
     * whatever its index: it is an effect, and the emitters neither hoist nor broadcast it.
     */
    static boolean invariant(Expr e, LoopVar v, Set<Local> loopLets) {
        return switch (e.kind()) {
            case LOAD -> ((Expr.Load) e).index().coef(v).equals(Size.ZERO);
            case INDEX_VALUE -> ((Expr.IndexValue) e).index().coef(v).equals(Size.ZERO);
            case READ -> !loopLets.contains(((Expr.Read) e).local());
            case UNARY -> invariant(((Expr.Unary) e).a(), v, loopLets);
            case BINARY -> invariant(((Expr.Binary) e).a(), v, loopLets) && invariant(((Expr.Binary) e).b(), v, loopLets);
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                yield invariant(s.cond(), v, loopLets) && invariant(s.a(), v, loopLets) && invariant(s.b(), v, loopLets);
            }
            case CONST, SIZE_VALUE -> true;
            case RANDOM -> false;
        };
    }
}
