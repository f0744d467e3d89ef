package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient health, measured where the optimizer's update already reads every element of a parameter's gradient and
 * weights: the update loop also sums {@code g^2} (the gradient as trainStep wrote it, before clipping), {@code w^2}
 * (the weights before the step) and {@code (w_after - w)^2}. The loop runs in blocks of {@link #BLOCK} elements,
 * each with its own three accumulators, stored to {@code stats[3 * block + 0..2]}; the runtime adds the blocks up
 * after the step ({@code dev.nabla.runtime.train.GradientHealth}).
 *
 * <p>A hook on the finished update kernel, so the optimizer rules ({@link UpdateLowering}) do not know about it:
 * it takes the kernel's loop over the elements and re-indexes its body into the blocked loops.
 *
 * <p>Why blocks: the update loop is split over threads ({@link ParallelLoop}), and one accumulator shared by the
 * parts would be a race. A block's sums are written by exactly one iteration of the outer loop, so the blocked loop
 * still qualifies as parallel, needs no new statement kind, and is emitted by both bytecode families as they emit any
 * update (the inner loop is vectorized). The blocks follow from the parameter's size, not from the thread count, so
 * the sums do not depend on it. The cost is three multiply-adds and one reload of the stored weight per element, in a
 * loop bound by memory traffic, and three floats of output per {@value #BLOCK} elements.
 */
public final class UpdateStats {

    /** Elements per block; a multiple of every vector species' lane count, so no full block has a vector tail. */
    public static final int BLOCK = 1024;
    /** Sums per block: gradient, weights before the step, update. */
    public static final int SUMS = 3;

    private UpdateStats() {
    }

    /** The size of the stats buffer of a parameter of {@code n} elements. */
    public static int size(int n) {
        return SUMS * ((n + BLOCK - 1) / BLOCK);
    }

    /**
     * {@code kernel}, an update kernel whose last statement is the loop over the parameter's elements, with that loop
     * blocked and summing into {@code p.stats()}.
     */
    static List<Stmt> instrument(List<Stmt> kernel, UpdateLowering.ParamBuffers p) {
        int n = p.spec().size(1);
        if (kernel.isEmpty() || !(kernel.get(kernel.size() - 1) instanceof Stmt.For loop)
                || !loop.extent().equals(Size.of(n))) {
            throw new IllegalStateException("update kernel of " + p.param() + " does not end with its element loop");
        }
        List<Stmt> out = new ArrayList<>(kernel.subList(0, kernel.size() - 1));
        int full = n / BLOCK;
        if (full > 0) {
            LoopVar block = new LoopVar("block");
            Index first = Index.of(block).times(Size.of(BLOCK));
            out.add(new Stmt.For(block, Size.of(full),
                    block(p, loop, first, BLOCK, Index.of(block).times(Size.of(SUMS)))));
        }
        int rest = n - full * BLOCK;
        if (rest > 0) {
            out.addAll(block(p, loop, Index.constant(full * BLOCK), rest, Index.constant(SUMS * full)));
        }
        return out;
    }

    /**
     * One block of {@code length} elements from {@code first}: zeroed sums, the element loop with the sums added,
     * the sums stored at {@code at}.
     */
    private static List<Stmt> block(UpdateLowering.ParamBuffers p, Stmt.For loop, Index first, int length, Index at) {
        LoopVar j = new LoopVar("j");
        Index element = first.plus(Index.of(j));
        Local gg = new Local("gradSq", true);
        Local ww = new Local("weightSq", true);
        Local dd = new Local("updateSq", true);
        Local before = new Local("w0", false);
        Local delta = new Local("dw", false);
        Expr g = new Expr.Load(p.grad(), element);
        List<Stmt> body = new ArrayList<>();
        body.add(new Stmt.Let(before, new Expr.Load(p.param(), element)));
        body.addAll(substitute(loop.body(), loop.var(), element));
        body.add(new Stmt.Let(delta, Expr.bin(Op.SUB, new Expr.Load(p.param(), element), new Expr.Read(before))));
        body.add(new Stmt.Accum(gg, Stmt.AccOp.SUM, Expr.bin(Op.MUL, g, g)));
        body.add(new Stmt.Accum(ww, Stmt.AccOp.SUM, Expr.bin(Op.MUL, new Expr.Read(before), new Expr.Read(before))));
        body.add(new Stmt.Accum(dd, Stmt.AccOp.SUM, Expr.bin(Op.MUL, new Expr.Read(delta), new Expr.Read(delta))));
        List<Local> sums = List.of(gg, ww, dd);
        List<Stmt> out = new ArrayList<>();
        sums.forEach(acc -> out.add(new Stmt.AccInit(acc, 0)));
        out.add(new Stmt.For(j, Size.of(length), body));
        for (int k = 0; k < SUMS; k++) {
            out.add(new Stmt.Store(p.stats(), at.plus(Index.constant(k)), new Expr.Read(sums.get(k))));
        }
        return out;
    }

    /** {@code body} with loop variable {@code v} replaced by the index {@code by}. */
    static List<Stmt> substitute(List<Stmt> body, LoopVar v, Index by) {
        return body.stream().map(s -> substitute(s, v, by)).toList();
    }

    private static Stmt substitute(Stmt s, LoopVar v, Index by) {
        return switch (s.kind()) {
            case FOR -> {
                Stmt.For f = (Stmt.For) s;
                yield new Stmt.For(f.var(), f.extent(), substitute(f.body(), v, by));
            }
            case STORE -> {
                Stmt.Store st = (Stmt.Store) s;
                yield new Stmt.Store(st.buf(), substitute(st.index(), v, by), substitute(st.value(), v, by));
            }
            case LET -> new Stmt.Let(((Stmt.Let) s).local(), substitute(((Stmt.Let) s).value(), v, by));
            case ACCUM -> {
                Stmt.Accum a = (Stmt.Accum) s;
                yield new Stmt.Accum(a.acc(), a.op(), substitute(a.value(), v, by));
            }
            // Sizes only: no loop variable to replace.
            case ACC_INIT, GEMM, CALL -> s;
        };
    }

    private static Expr substitute(Expr e, LoopVar v, Index by) {
        return switch (e.kind()) {
            case LOAD -> new Expr.Load(((Expr.Load) e).buf(), substitute(((Expr.Load) e).index(), v, by));
            case INDEX_VALUE -> new Expr.IndexValue(substitute(((Expr.IndexValue) e).index(), v, by));
            case UNARY -> new Expr.Unary(((Expr.Unary) e).op(), substitute(((Expr.Unary) e).a(), v, by));
            case BINARY -> {
                Expr.Binary b = (Expr.Binary) e;
                yield new Expr.Binary(b.op(), substitute(b.a(), v, by), substitute(b.b(), v, by));
            }
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                yield new Expr.Select(substitute(s.cond(), v, by), substitute(s.a(), v, by), substitute(s.b(), v, by));
            }
            case RANDOM -> {
                Expr.Random r = (Expr.Random) e;
                yield new Expr.Random(r.op(), substitute(r.seed(), v, by), substitute(r.step(), v, by), r.stream(),
                        substitute(r.index(), v, by));
            }
            case CONST, SIZE_VALUE, READ -> e;
        };
    }

    /** {@code ix} with {@code coef * v} replaced by {@code coef * by}. */
    private static Index substitute(Index ix, LoopVar v, Index by) {
        Size coef = ix.terms().get(v);
        if (coef == null) {
            return ix;
        }
        java.util.Map<LoopVar, Size> rest = new java.util.LinkedHashMap<>(ix.terms());
        rest.remove(v);
        return new Index(ix.constant(), rest).plus(by.times(coef));
    }
}
